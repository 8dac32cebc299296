/* SPDX-License-Identifier: Apache-2.0 */
/*
 * yamlsteps.c — a test tool (not part of plangate): YAML files read with
 * libyaml, for the shell tests of the CI recipes (tests/pack/), since
 * neither python3's yaml module nor yq can be counted on.
 *
 *   yamlsteps check FILE...        parse every document of each file; on an
 *                                  error print FILE:LINE:COL: problem, exit 1
 *   yamlsteps get FILE PATH        the scalar at PATH, as written (exit 1
 *                                  when absent or not a scalar)
 *   yamlsteps len FILE PATH        the number of items of a list, or of keys
 *                                  of a mapping, at PATH (0 when absent)
 *   yamlsteps keys FILE PATH       the keys of the mapping at PATH, one a line
 *   yamlsteps tag FILE PATH        the node's tag (!reference, !!str, ...)
 *
 * PATH is a list of keys and list indexes separated by '/': "runs/steps/0/env",
 * "." for the document itself. Only the first document of FILE is looked at
 * by get/len/keys/tag. Aliases are resolved by libyaml's loader.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

static int load(yaml_document_t *doc, const char *path, int all_docs)
{
    FILE *f = fopen(path, "rb");
    yaml_parser_t parser;
    int ok = 1, first = 1;

    if (!f) {
        fprintf(stderr, "%s: cannot open\n", path);
        return 0;
    }
    yaml_parser_initialize(&parser);
    yaml_parser_set_input_file(&parser, f);
    for (;;) {
        yaml_document_t d;
        if (!yaml_parser_load(&parser, &d)) {
            fprintf(stderr, "%s:%lu:%lu: %s%s%s\n", path, (unsigned long)parser.problem_mark.line + 1,
                    (unsigned long)parser.problem_mark.column + 1, parser.problem ? parser.problem : "error",
                    parser.context ? " " : "", parser.context ? parser.context : "");
            ok = 0;
            break;
        }
        if (!yaml_document_get_root_node(&d)) {
            yaml_document_delete(&d);
            break;
        }
        if (first && !all_docs) {
            *doc = d;
            first = 0;
            break;
        }
        first = 0;
        yaml_document_delete(&d);
    }
    yaml_parser_delete(&parser);
    fclose(f);
    if (ok && first && !all_docs) {
        fprintf(stderr, "%s: empty\n", path);
        return 0;
    }
    return ok;
}

static yaml_node_t *walk(yaml_document_t *doc, const char *path)
{
    yaml_node_t *n = yaml_document_get_root_node(doc);
    char *copy = strdup(path), *part, *save = NULL;

    for (part = strtok_r(copy, "/", &save); n && part; part = strtok_r(NULL, "/", &save)) {
        if (strcmp(part, ".") == 0)
            continue;
        if (n->type == YAML_MAPPING_NODE) {
            yaml_node_pair_t *p;
            yaml_node_t *next = NULL;
            for (p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
                yaml_node_t *k = yaml_document_get_node(doc, p->key);
                if (k && k->type == YAML_SCALAR_NODE && strcmp((char *)k->data.scalar.value, part) == 0)
                    next = yaml_document_get_node(doc, p->value);
            }
            n = next;
        } else if (n->type == YAML_SEQUENCE_NODE) {
            char *end;
            long i = strtol(part, &end, 10);
            long len = (long)(n->data.sequence.items.top - n->data.sequence.items.start);
            n = (*end || i < 0 || i >= len) ? NULL : yaml_document_get_node(doc, n->data.sequence.items.start[i]);
        } else {
            n = NULL;
        }
    }
    free(copy);
    return n;
}

int main(int argc, char **argv)
{
    yaml_document_t doc;
    yaml_node_t *n;
    int i, rc = 0;

    if (argc >= 3 && strcmp(argv[1], "check") == 0) {
        for (i = 2; i < argc; i++)
            if (!load(NULL, argv[i], 1))
                rc = 1;
        return rc;
    }
    if (argc != 4) {
        fprintf(stderr, "usage: yamlsteps check FILE... | get|len|keys|tag FILE PATH\n");
        return 2;
    }
    if (!load(&doc, argv[2], 0))
        return 1;
    n = walk(&doc, argv[3]);
    if (strcmp(argv[1], "get") == 0) {
        if (!n || n->type != YAML_SCALAR_NODE)
            rc = 1;
        else
            fwrite(n->data.scalar.value, 1, n->data.scalar.length, stdout);
    } else if (strcmp(argv[1], "len") == 0) {
        long len = 0;
        if (n && n->type == YAML_SEQUENCE_NODE)
            len = (long)(n->data.sequence.items.top - n->data.sequence.items.start);
        else if (n && n->type == YAML_MAPPING_NODE)
            len = (long)(n->data.mapping.pairs.top - n->data.mapping.pairs.start);
        printf("%ld\n", len);
    } else if (strcmp(argv[1], "keys") == 0) {
        yaml_node_pair_t *p;
        if (!n || n->type != YAML_MAPPING_NODE)
            rc = 1;
        for (p = n && n->type == YAML_MAPPING_NODE ? n->data.mapping.pairs.start : NULL;
             p && p < n->data.mapping.pairs.top; p++) {
            yaml_node_t *k = yaml_document_get_node(&doc, p->key);
            if (k && k->type == YAML_SCALAR_NODE)
                printf("%s\n", (char *)k->data.scalar.value);
        }
    } else if (strcmp(argv[1], "tag") == 0) {
        if (!n)
            rc = 1;
        else
            printf("%s\n", n->tag ? (char *)n->tag : "");
    } else {
        fprintf(stderr, "yamlsteps: unknown command %s\n", argv[1]);
        rc = 2;
    }
    yaml_document_delete(&doc);
    return rc;
}
