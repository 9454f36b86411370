/*
 * xml.h - libxml2 for the XML and HTML reports and for XML request bodies,
 * loaded when a report or an XML condition first needs it.
 *
 * mockrun does not link libxml2. Linking it loads libxml2 and, through it,
 * ICU (libicuuc and its 30 MB libicudata), libstdc++, liblzma and libz at
 * every start, before main: a few milliseconds of the dynamic loader's time
 * for every run, --check and --help included, and for the time until the
 * mocks answer. Instead mr_xml_load opens Debian's libxml2 by its soname
 * (MR_XML_SONAME, "libxml2.so.2") with dlopen the first time a report is
 * written, and mr_xml_preload starts that in a thread of its own while the
 * command under test runs, so a run that writes a report seldom waits for it.
 * (--version loads it, to print the version libxml2 reports.) Since dlopen
 * hides the dependency from dpkg-shlibdeps, the Debian package names libxml2
 * itself (dist/CMakeLists.txt).
 * docs/internals/reports.md has the measurements.
 *
 * The functions the writers call are fields of `struct mr_xml`, named and
 * typed as libxml2's own (the headers are compiled in; common/xml.c checks
 * each field's type against libxml2's prototype), so a writer reads
 * `x->xmlTextWriterStartElement(w, name)`. Configured with
 * -DMOCKRUN_XML_LINK=ON, mockrun links libxml2 instead and the table points at
 * the linked functions: the other way, kept so ci/bench can compare both.
 *
 * Both functions are thread-safe: the library is loaded once per process and
 * stays loaded (never dlclose'd); the table is read-only afterwards.
 */
#ifndef MOCKRUN_COMMON_XML_H
#define MOCKRUN_COMMON_XML_H

#include <libxml/HTMLtree.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlwriter.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include "common/error.h"

#ifndef MR_XML_SONAME
#define MR_XML_SONAME "libxml2.so.2"
#endif

/* The libxml2 functions mockrun uses. */
struct mr_xml {
    void (*xmlInitParser)(void);
    /* the version libxml2 reports, "20914" for 2.9.14 (--version): what its
     * own xmlParserVersion macro reads, `*__xmlParserVersion()` */
    const char **(*__xmlParserVersion)(void);
    /* memory buffers */
    xmlBufferPtr (*xmlBufferCreate)(void);
    void (*xmlBufferSetAllocationScheme)(xmlBufferPtr buf, xmlBufferAllocationScheme scheme);
    const xmlChar *(*xmlBufferContent)(const xmlBuffer *buf);
    int (*xmlBufferLength)(const xmlBuffer *buf);
    void (*xmlBufferFree)(xmlBufferPtr buf);
    /* the streaming writer (JUnit) */
    xmlTextWriterPtr (*xmlNewTextWriterMemory)(xmlBufferPtr buf, int compression);
    void (*xmlFreeTextWriter)(xmlTextWriterPtr writer);
    int (*xmlTextWriterSetIndent)(xmlTextWriterPtr writer, int indent);
    int (*xmlTextWriterSetIndentString)(xmlTextWriterPtr writer, const xmlChar *str);
    int (*xmlTextWriterStartDocument)(xmlTextWriterPtr writer, const char *version,
                                      const char *encoding, const char *standalone);
    int (*xmlTextWriterEndDocument)(xmlTextWriterPtr writer);
    int (*xmlTextWriterStartElement)(xmlTextWriterPtr writer, const xmlChar *name);
    int (*xmlTextWriterEndElement)(xmlTextWriterPtr writer);
    int (*xmlTextWriterWriteAttribute)(xmlTextWriterPtr writer, const xmlChar *name,
                                       const xmlChar *content);
    int (*xmlTextWriterWriteString)(xmlTextWriterPtr writer, const xmlChar *content);
    /* the tree and its HTML serializer (the HTML report) */
    htmlDocPtr (*htmlNewDocNoDtD)(const xmlChar *URI, const xmlChar *ExternalID);
    xmlDtdPtr (*xmlCreateIntSubset)(xmlDocPtr doc, const xmlChar *name, const xmlChar *ExternalID,
                                    const xmlChar *SystemID);
    xmlNodePtr (*xmlNewDocNode)(xmlDocPtr doc, xmlNsPtr ns, const xmlChar *name,
                                const xmlChar *content);
    xmlNodePtr (*xmlDocSetRootElement)(xmlDocPtr doc, xmlNodePtr root);
    xmlNodePtr (*xmlNewDocText)(const xmlDoc *doc, const xmlChar *content);
    xmlNodePtr (*xmlAddChild)(xmlNodePtr parent, xmlNodePtr cur);
    xmlAttrPtr (*xmlNewProp)(xmlNodePtr node, const xmlChar *name, const xmlChar *value);
    int (*htmlNodeDump)(xmlBufferPtr buf, xmlDocPtr doc, xmlNodePtr cur);
    void (*xmlFreeDoc)(xmlDocPtr cur);
    /* parsing and XPath (XML request bodies: common/xmldoc.h) */
    xmlDocPtr (*xmlReadMemory)(const char *buffer, int size, const char *URL, const char *encoding,
                               int options);
    xmlNodePtr (*xmlDocGetRootElement)(const xmlDoc *doc);
    xmlErrorPtr (*xmlGetLastError)(void);
    void (*xmlResetLastError)(void);
    xmlXPathContextPtr (*xmlXPathNewContext)(xmlDocPtr doc);
    void (*xmlXPathFreeContext)(xmlXPathContextPtr ctxt);
    int (*xmlXPathRegisterNs)(xmlXPathContextPtr ctxt, const xmlChar *prefix,
                              const xmlChar *ns_uri);
    xmlXPathCompExprPtr (*xmlXPathCtxtCompile)(xmlXPathContextPtr ctxt, const xmlChar *str);
    void (*xmlXPathFreeCompExpr)(xmlXPathCompExprPtr comp);
    xmlXPathObjectPtr (*xmlXPathCompiledEval)(xmlXPathCompExprPtr comp, xmlXPathContextPtr ctx);
    void (*xmlXPathFreeObject)(xmlXPathObjectPtr obj);
};

/*
 * Loads libxml2 (once per process) and points *out at its function table,
 * borrowed for the life of the process. Waits for a load mr_xml_preload
 * started. Errors: MR_ESETUP when the library or one of its functions cannot
 * be found ("cannot load libxml2 (libxml2.so.2: cannot open shared object
 * file: ...); install Debian's libxml2 package"); every later call fails the
 * same way.
 */
int mr_xml_load(const struct mr_xml **out, struct mr_error *err);

/* Prefixes the error mr_xml_load left in `err` with "cannot write report
 * '<path>': " and returns its code. */
int mr_xml_error(struct mr_error *err, const char *path);

/*
 * Starts loading libxml2 in a detached thread and returns at once, so that a
 * report written later finds it loaded. Does nothing when it is loaded or
 * being loaded; when no thread can be started, the load happens in
 * mr_xml_load. The thread inherits the caller's signal mask.
 */
void mr_xml_preload(void);

#endif
