#ifndef FAULTLINE_CYAML_SHIM_H
#define FAULTLINE_CYAML_SHIM_H
#include <yaml.h>

#if defined(__linux__) && defined(__GLIBC__)
#include <malloc.h>
#include <stdlib.h>

// The blocks a thread keeps for libyaml while one of faultline's parses runs
// on it (see LibyamlBlocks.swift, which defines yaml_malloc and yaml_free
// with these). Thread-local variables are one instruction away here; Swift
// has no such variables, and a pthread key cost three calls per block.
// Being static, the variable has a copy in every object file that uses it:
// only LibyamlBlocks.swift calls these functions, from functions that are
// never inlined into other files.
enum { faultline_small_request = 16, faultline_largest_kept = 48, faultline_kept_capacity = 64 };

// count: blocks kept; -1 while no parse of ours runs on the thread.
static __thread struct { int count; void *blocks[faultline_kept_capacity]; } faultline_kept = { -1, { 0 } };

static inline void *faultline_libyaml_allocate(size_t size) {
    if (size <= faultline_small_request && faultline_kept.count > 0) return faultline_kept.blocks[--faultline_kept.count];
    return malloc(size ? size : 1);
}

static inline void faultline_libyaml_release(void *block) {
    if (!block) return;
    if (faultline_kept.count >= 0 && faultline_kept.count < faultline_kept_capacity) {
        size_t usable = malloc_usable_size(block);
        if (usable >= faultline_small_request && usable < faultline_largest_kept) {
            faultline_kept.blocks[faultline_kept.count++] = block;
            return;
        }
    }
    free(block);
}

/// Starts keeping blocks on this thread; false if they are kept already (a parse inside a parse).
static inline int faultline_libyaml_start_keeping(void) {
    if (faultline_kept.count >= 0) return 0;
    faultline_kept.count = 0;
    return 1;
}

/// Frees the kept blocks and stops keeping them.
static inline void faultline_libyaml_stop_keeping(void) {
    while (faultline_kept.count > 0) free(faultline_kept.blocks[--faultline_kept.count]);
    faultline_kept.count = -1;
}

/// yaml_event_delete, with the event's strings given straight to the blocks
/// kept above: libyaml's version frees each through yaml_free (a call per
/// string, null or not) and clears the whole event, which yaml_parser_parse
/// clears again before it writes the next. The strings freed are libyaml's
/// own (see yaml_event_delete in libyaml's api.c).
static inline void faultline_libyaml_delete_event(yaml_event_t *event) {
    switch (event->type) {
    case YAML_DOCUMENT_START_EVENT: {
        faultline_libyaml_release(event->data.document_start.version_directive);
        for (yaml_tag_directive_t *directive = event->data.document_start.tag_directives.start;
             directive != event->data.document_start.tag_directives.end; directive++) {
            faultline_libyaml_release(directive->handle);
            faultline_libyaml_release(directive->prefix);
        }
        faultline_libyaml_release(event->data.document_start.tag_directives.start);
        break;
    }
    case YAML_ALIAS_EVENT:
        faultline_libyaml_release(event->data.alias.anchor);
        break;
    case YAML_SCALAR_EVENT:
        faultline_libyaml_release(event->data.scalar.anchor);
        faultline_libyaml_release(event->data.scalar.tag);
        faultline_libyaml_release(event->data.scalar.value);
        break;
    case YAML_SEQUENCE_START_EVENT:
        faultline_libyaml_release(event->data.sequence_start.anchor);
        faultline_libyaml_release(event->data.sequence_start.tag);
        break;
    case YAML_MAPPING_START_EVENT:
        faultline_libyaml_release(event->data.mapping_start.anchor);
        faultline_libyaml_release(event->data.mapping_start.tag);
        break;
    default:
        break;
    }
    // Nothing left to free: deleting it again does nothing.
    event->type = YAML_NO_EVENT;
}

static inline int faultline_libyaml_kept_count(void) { return faultline_kept.count < 0 ? 0 : faultline_kept.count; }
#endif

#endif
