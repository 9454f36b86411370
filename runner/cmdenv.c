#include "runner/cmdenv.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"

static bool named(const char *var, size_t len, const char *name)
{
    return name && strlen(name) == len && strncmp(var, name, len) == 0;
}

/* Whether the run sets the variable `var` ("NAME=value") itself. */
static bool set_by_run(const struct mr_scenario *sc, const char *var)
{
    const char *eq = strchr(var, '=');
    size_t len = eq ? (size_t)(eq - var) : strlen(var), s;

    if (named(var, len, "MOCKRUN_URL"))
        return true;
    for (s = 0; s < sc->nservices; s++)
        if (named(var, len, sc->services[s].url_var) || named(var, len, sc->services[s].env_name))
            return true;
    for (s = 0; s < sc->command.nenv; s++)
        if (named(var, len, sc->command.env[s].name))
            return true;
    return false;
}

static char *assignment(const char *name, const char *value)
{
    struct mr_buf b;

    mr_buf_init(&b);
    mr_buf_printf(&b, "%s=%s", name, value);
    return mr_buf_detach(&b, NULL);
}

char **mr_cmdenv_new(const struct mr_scenario *sc, const char *const *urls, char *const *base)
{
    size_t n = 0, i, k = 0;
    char **env;

    while (base[n])
        n++;
    env = calloc(n + 1 + sc->nservices * 2 + sc->command.nenv + 1, sizeof(char *));
    if (!env)
        return NULL;
    for (i = 0; i < n; i++)
        if (!set_by_run(sc, base[i]) && !(env[k++] = strdup(base[i])))
            goto nomem;
    if (!(env[k++] = assignment("MOCKRUN_URL", urls[0])))
        goto nomem;
    for (i = 0; i < sc->nservices; i++) {
        if (!(env[k++] = assignment(sc->services[i].url_var, urls[i])))
            goto nomem;
        if (sc->services[i].env_name && !(env[k++] = assignment(sc->services[i].env_name, urls[i])))
            goto nomem;
    }
    for (i = 0; i < sc->command.nenv; i++)
        if (!(env[k++] = assignment(sc->command.env[i].name, sc->command.env[i].value)))
            goto nomem;
    return env;
nomem:
    mr_cmdenv_free(env); /* the slot that failed is NULL: the end of the list */
    return NULL;
}

void mr_cmdenv_free(char **env)
{
    size_t i;

    for (i = 0; env && env[i]; i++)
        free(env[i]);
    free(env);
}
