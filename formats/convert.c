/*
 * convert.c - the converters' shared building blocks (see convert.h).
 */
#include "formats/convert.h"

#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "common/buf.h"

bool mr_convert_warn(char ***items, size_t *n, size_t *cap, const char *text)
{
    size_t size = strlen(text) * 4 + 1; /* each byte at most "\xNN" */
    char *line = malloc(size);

    if (!line)
        return false;
    mr_printable(line, size, text, strlen(text));
    if (*n == *cap) {
        size_t room = *cap ? *cap * 2 : 16;
        char **grown = realloc(*items, room * sizeof(*grown));
        if (!grown) {
            free(line);
            return false;
        }
        *items = grown;
        *cap = room;
    }
    (*items)[(*n)++] = line;
    return true;
}

bool mr_convert_add(cJSON *obj, const char *key, cJSON *item)
{
    if (!item || !obj || !cJSON_AddItemToObject(obj, key, item)) {
        cJSON_Delete(item);
        return false;
    }
    return true;
}

bool mr_convert_append(cJSON *arr, cJSON *item)
{
    if (!item || !arr || !cJSON_AddItemToArray(arr, item)) {
        cJSON_Delete(item);
        return false;
    }
    return true;
}
