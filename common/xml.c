#include "common/xml.h"

#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#if !MOCKRUN_XML_LINKED
#include <dlfcn.h>
#endif

/*
 * One row per function: its name and where its pointer goes. In the linked
 * build the row also holds the function itself. Either way TYPED() compiles
 * an assignment of libxml2's function to the field inside sizeof, which is
 * never evaluated: it references no symbol (the dlopen build links no
 * libxml2), yet the compiler checks that the field's type is the function's.
 */
struct binding {
    const char *name;
    size_t offset;
#if MOCKRUN_XML_LINKED
    void (*linked)(void);
#endif
};

#define TYPED(fn) (sizeof(((struct mr_xml *)NULL)->fn = fn) ? offsetof(struct mr_xml, fn) : 0)
#if MOCKRUN_XML_LINKED
#define BIND(fn)                                                                                   \
    {                                                                                              \
#fn, TYPED(fn), (void (*)(void))fn                                                         \
    }
#else
#define BIND(fn)                                                                                   \
    {                                                                                              \
#fn, TYPED(fn)                                                                             \
    }
#endif

static const struct binding bindings[] = {
    BIND(xmlInitParser),
    BIND(__xmlParserVersion),
    BIND(xmlBufferCreate),
    BIND(xmlBufferSetAllocationScheme),
    BIND(xmlBufferContent),
    BIND(xmlBufferLength),
    BIND(xmlBufferFree),
    BIND(xmlNewTextWriterMemory),
    BIND(xmlFreeTextWriter),
    BIND(xmlTextWriterSetIndent),
    BIND(xmlTextWriterSetIndentString),
    BIND(xmlTextWriterStartDocument),
    BIND(xmlTextWriterEndDocument),
    BIND(xmlTextWriterStartElement),
    BIND(xmlTextWriterEndElement),
    BIND(xmlTextWriterWriteAttribute),
    BIND(xmlTextWriterWriteString),
    BIND(htmlNewDocNoDtD),
    BIND(xmlCreateIntSubset),
    BIND(xmlNewDocNode),
    BIND(xmlDocSetRootElement),
    BIND(xmlNewDocText),
    BIND(xmlAddChild),
    BIND(xmlNewProp),
    BIND(htmlNodeDump),
    BIND(xmlFreeDoc),
    BIND(xmlReadMemory),
    BIND(xmlDocGetRootElement),
    BIND(xmlGetLastError),
    BIND(xmlResetLastError),
    BIND(xmlXPathNewContext),
    BIND(xmlXPathFreeContext),
    BIND(xmlXPathRegisterNs),
    BIND(xmlXPathCtxtCompile),
    BIND(xmlXPathFreeCompExpr),
    BIND(xmlXPathCompiledEval),
    BIND(xmlXPathFreeObject),
};

#undef BIND
#undef TYPED

/* Every field is one function pointer, and every one is bound. */
_Static_assert(sizeof(struct mr_xml) ==
                   sizeof(bindings) / sizeof(bindings[0]) * sizeof(void (*)(void)),
               "struct mr_xml and its bindings differ");

static pthread_once_t once = PTHREAD_ONCE_INIT;
static struct mr_xml api;
static bool loaded;
static char why[400]; /* why it could not be loaded */

/* Stores a function pointer into the table; all function pointer types have
 * one representation on the platforms mockrun runs on (POSIX requires it of
 * dlsym's result). */
static void put(size_t offset, void (*fn)(void))
{
    memcpy((char *)&api + offset, &fn, sizeof(fn));
}

static void load(void)
{
    size_t i;

#if MOCKRUN_XML_LINKED
    for (i = 0; i < sizeof(bindings) / sizeof(bindings[0]); i++)
        put(bindings[i].offset, bindings[i].linked);
#else
    /* RTLD_LOCAL: its symbols stay out of the global namespace. RTLD_LAZY:
     * binding all of libxml2's and ICU's symbols up front (RTLD_NOW) costs
     * about a millisecond; each function used is looked up below anyway, so
     * a missing one still fails here, not in the middle of a report. */
    void *lib = dlopen(MR_XML_SONAME, RTLD_LAZY | RTLD_LOCAL);

    if (!lib) {
        const char *e = dlerror();
        snprintf(why, sizeof(why), "%s", e ? e : MR_XML_SONAME ": cannot be opened");
        return;
    }
    for (i = 0; i < sizeof(bindings) / sizeof(bindings[0]); i++) {
        void *sym = dlsym(lib, bindings[i].name);
        void (*fn)(void);

        if (!sym) {
            snprintf(why, sizeof(why), "%s has no function %s", MR_XML_SONAME, bindings[i].name);
            return;
        }
        memcpy(&fn, &sym, sizeof(fn));
        put(bindings[i].offset, fn);
    }
#endif
    /* libxml2 wants this once, before any use from several threads. */
    api.xmlInitParser();
    loaded = true;
}

int mr_xml_load(const struct mr_xml **out, struct mr_error *err)
{
    pthread_once(&once, load);
    if (!loaded)
        return mr_error_set(err, MR_ESETUP,
                            "cannot load libxml2 (%s); install Debian's libxml2 package", why);
    *out = &api;
    return 0;
}

int mr_xml_error(struct mr_error *err, const char *path)
{
    char msg[sizeof(err->msg)];

    snprintf(msg, sizeof(msg), "%s", err->msg);
    return mr_error_set(err, err->code, "cannot write report '%s': %s", path, msg);
}

static void *preload_thread(void *arg)
{
    (void)arg;
    pthread_once(&once, load);
    return NULL;
}

void mr_xml_preload(void)
{
    pthread_attr_t attr;
    pthread_t t;

    if (pthread_attr_init(&attr) != 0)
        return;
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    /* when no thread can be started, mr_xml_load does the work later */
    (void)pthread_create(&t, &attr, preload_thread, NULL);
    pthread_attr_destroy(&attr);
}
