#ifndef FAULTLINE_CYAML_SHIM_H
#define FAULTLINE_CYAML_SHIM_H
#include <yaml.h>

#if defined(__linux__) && defined(__GLIBC__)
#include <malloc.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>

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

// libyaml's scanner reads characters from a buffer that its reader,
// yaml_parser_update_buffer, fills from the input: libyaml's own takes every
// byte of UTF-8 input as a character to decode, check and encode again, about
// 32 instructions a byte and a sixth of libyaml's work on a topology.
// LibyamlBlocks.swift defines that exported function with the one below,
// which while one of faultline's parses runs on the thread fills the buffer
// itself for UTF-8 input; otherwise, and until libyaml has read the start of
// the input and found its encoding, it calls libyaml's own. What it must do
// is what libyaml's does, and the tests hold it to that on every kind of
// input (LibyamlReaderTests): the same characters in the buffer, the same
// counts (`unread` characters, `offset` bytes), the same reader errors at
// the same offsets. A run of bytes that are each a whole character YAML
// allows is copied eight bytes at a time; any other character is checked on
// its own and, being valid UTF-8, copied as it is (its encoding is unique).

static inline int faultline_reader_error(yaml_parser_t *parser, const char *problem, size_t offset, int value) {
    parser->error = YAML_READER_ERROR;
    parser->problem = problem;
    parser->problem_offset = offset;
    parser->problem_value = value;
    return 0;
}

// Moves what is left of the raw input to the front and asks the read handler
// for more; at the end of the input, sets `eof`.
static inline int faultline_read_more(yaml_parser_t *parser) {
    unsigned char *start = parser->raw_buffer.start;
    size_t left = (size_t)(parser->raw_buffer.last - parser->raw_buffer.pointer);
    int full = parser->raw_buffer.pointer == start && parser->raw_buffer.last == parser->raw_buffer.end;
    if (full || parser->eof) return 1;
    if (left && parser->raw_buffer.pointer != start) memmove(start, parser->raw_buffer.pointer, left);
    parser->raw_buffer.pointer = start;
    parser->raw_buffer.last = start + left;
    size_t got = 0;
    if (!parser->read_handler(parser->read_handler_data, parser->raw_buffer.last,
                              (size_t)(parser->raw_buffer.end - parser->raw_buffer.last), &got)) {
        return faultline_reader_error(parser, "input error", parser->offset, -1);
    }
    parser->raw_buffer.last += got;
    if (got == 0) parser->eof = 1;
    return 1;
}

// The characters YAML allows in a stream (YAML 1.1, c-printable).
static inline int faultline_yaml_allows(uint32_t character) {
    if (character < 0x80) return character >= 0x20 ? character != 0x7F : character == 0x09 || character == 0x0A || character == 0x0D;
    if (character < 0xA0) return character == 0x85;
    if (character < 0x10000) return character <= 0xD7FF || (character >= 0xE000 && character <= 0xFFFD);
    return character <= 0x10FFFF;
}

static inline int faultline_is_whole_ascii_character(unsigned char byte) {
    return byte < 0x80 && faultline_yaml_allows(byte);
}

// Bit 7 of each byte of `word` that is not printable ASCII or a line feed:
// where a run of whole characters stops (a tab or carriage return too, which
// the byte-wise check lets through). Each byte's arithmetic stays in its byte.
static inline uint64_t faultline_bytes_that_stop_a_run(uint64_t word) {
    const uint64_t high = 0x8080808080808080ULL, low = 0x7F7F7F7F7F7F7F7FULL;
    uint64_t seven = word & low;
    uint64_t control = ~(seven + 0x6060606060606060ULL) & high;   // (byte & 0x7F) < 0x20
    uint64_t delete = (seven + 0x0101010101010101ULL) & high;     // (byte & 0x7F) == 0x7F
    uint64_t feeds = word ^ 0x0A0A0A0A0A0A0A0AULL;
    uint64_t lineFeed = ~(((feeds & low) + low) | feeds) & high;  // byte == 0x0A
    return ((word & high) | control | delete) & ~lineFeed;
}

// The bytes at `at` form a run of whole ASCII characters up to the returned
// pointer; they are copied to `out` (and up to seven bytes past the run).
static inline const unsigned char *faultline_copy_ascii_run(const unsigned char *at, const unsigned char *end, unsigned char *out) {
    for (;;) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
        // Eight bytes at a time. Writing all eight before knowing how many
        // belong to the run stays inside the buffer: in UTF-8 each input byte
        // becomes one byte of the buffer, and eight more input bytes are there.
        while (end - at >= 8) {
            uint64_t word;
            memcpy(&word, at, 8);
            memcpy(out, &word, 8);
            uint64_t stops = faultline_bytes_that_stop_a_run(word);
            if (stops) {
                size_t whole = (size_t)__builtin_ctzll(stops) >> 3;
                at += whole;
                out += whole;
                break;
            }
            at += 8;
            out += 8;
        }
#endif
        // The last few bytes, and a tab or carriage return the words stop at.
        if (at == end || !faultline_is_whole_ascii_character(*at)) return at;
        *out++ = *at++;
    }
}

// The length of the UTF-8 character at `at`, of which `available` bytes are
// read; -1 when more bytes are needed; 0, with the reader error set, when it
// is not a character YAML allows. The checks come in the order libyaml's
// reader makes them, so that the first problem found is the one it reports.
static inline int faultline_character_length(yaml_parser_t *parser, const unsigned char *at, size_t available) {
    unsigned char lead = at[0];
    int length;
    uint32_t character, smallest;
    if (lead < 0x80) { length = 1; character = lead; smallest = 0; }
    else if ((lead & 0xE0) == 0xC0) { length = 2; character = lead & 0x1F; smallest = 0x80; }
    else if ((lead & 0xF0) == 0xE0) { length = 3; character = lead & 0x0F; smallest = 0x800; }
    else if ((lead & 0xF8) == 0xF0) { length = 4; character = lead & 0x07; smallest = 0x10000; }
    else return faultline_reader_error(parser, "invalid leading UTF-8 octet", parser->offset, lead);
    if ((size_t)length > available) {
        return parser->eof ? faultline_reader_error(parser, "incomplete UTF-8 octet sequence", parser->offset, -1) : -1;
    }
    for (int next = 1; next < length; next++) {
        if ((at[next] & 0xC0) != 0x80) {
            return faultline_reader_error(parser, "invalid trailing UTF-8 octet", parser->offset + next, at[next]);
        }
        character = character << 6 | (at[next] & 0x3F);
    }
    if (character < smallest) return faultline_reader_error(parser, "invalid length of a UTF-8 sequence", parser->offset, -1);
    if ((character >= 0xD800 && character <= 0xDFFF) || character > 0x10FFFF) {
        return faultline_reader_error(parser, "invalid Unicode character", parser->offset, (int)character);
    }
    if (!faultline_yaml_allows(character)) {
        return faultline_reader_error(parser, "control characters are not allowed", parser->offset, (int)character);
    }
    return length;
}

// Moves every whole character of the raw input into the buffer; 0 on a reader error.
static inline int faultline_take_characters(yaml_parser_t *parser) {
    while (parser->raw_buffer.pointer != parser->raw_buffer.last) {
        const unsigned char *runEnd = faultline_copy_ascii_run(parser->raw_buffer.pointer, parser->raw_buffer.last, parser->buffer.last);
        size_t run = (size_t)(runEnd - parser->raw_buffer.pointer);
        size_t bytes = run, characters = run;
        if (run == 0) {
            int length = faultline_character_length(parser, parser->raw_buffer.pointer,
                                                    (size_t)(parser->raw_buffer.last - parser->raw_buffer.pointer));
            if (length == 0) return 0;
            if (length < 0) return 1;  // the rest of it comes with the next read
            memcpy(parser->buffer.last, parser->raw_buffer.pointer, (size_t)length);
            bytes = (size_t)length;
            characters = 1;
        }
        parser->raw_buffer.pointer += bytes;
        parser->buffer.last += bytes;
        parser->offset += bytes;
        parser->unread += characters;
    }
    return 1;
}

typedef int (*faultline_update_buffer_function)(yaml_parser_t *parser, size_t length);

// For tests: libyaml's own reader, even during a parse of ours; and how many
// times the one below has filled the buffer on this thread.
static __thread struct { int libyamls; long fills; } faultline_reader = { 0, 0 };
static inline void faultline_reader_use_libyamls(int on) { faultline_reader.libyamls += on ? 1 : -1; }
static inline long faultline_reader_fill_count(void) { return faultline_reader.fills; }

// yaml_parser_update_buffer: makes sure `length` characters are in the
// buffer, or that the buffer ends with the input's end (a NUL after the last
// character). 1 on success, 0 with the reader error set.
static inline int faultline_libyaml_update_buffer(yaml_parser_t *parser, size_t length, faultline_update_buffer_function libyamls) {
    if (faultline_kept.count < 0 || faultline_reader.libyamls || parser->encoding != YAML_UTF8_ENCODING) {
        return libyamls ? libyamls(parser, length) : faultline_reader_error(parser, "input error", parser->offset, -1);
    }
    int inputLeft = parser->raw_buffer.pointer != parser->raw_buffer.last;
    if ((parser->eof && !inputLeft) || parser->unread >= length) return 1;
    faultline_reader.fills++;

    // The characters not yet scanned go to the front, making room behind them.
    size_t unscanned = (size_t)(parser->buffer.last - parser->buffer.pointer);
    if (unscanned && parser->buffer.pointer != parser->buffer.start) memmove(parser->buffer.start, parser->buffer.pointer, unscanned);
    parser->buffer.pointer = parser->buffer.start;
    parser->buffer.last = parser->buffer.start + unscanned;

    // The raw input left over is decoded before more is read.
    int readFirst = !inputLeft;
    while (parser->unread < length) {
        if (readFirst && !faultline_read_more(parser)) return 0;
        readFirst = 1;
        if (!faultline_take_characters(parser)) return 0;
        if (parser->eof) {
            *parser->buffer.last++ = '\0';
            parser->unread++;
            return 1;
        }
    }
    if (parser->offset >= ~(size_t)0 / 2) return faultline_reader_error(parser, "input is too long", parser->offset, -1);
    return 1;
}
#endif

#endif
