#!/usr/bin/env python3
"""Lists functions longer than a limit (default 120 lines) in the library code, and files longer than a limit.

    scripts/long_functions.py [--max-lines 120] [--max-file-lines 0] [--allow FILE] [ROOT]

Library code is every .cpp and .hpp under ROOT except tests/, bench/, fuzz/ and build folders. Exit status 1 when
anything is over a limit (so it runs as a test), 0 otherwise.

--allow FILE names known exceptions, one a line ("path:function" or "path" for a file; # starts a comment): they are
listed but do not fail the check. An entry that is no longer over its limit fails it, so the list only shrinks.

The scan is a brace matcher, not a parser: comments, string and character literals are blanked out, then every `{`
is classified by the text before it (back to the previous `;`, `{` or `}`):
  - namespace, class, struct, union, enum, extern "C": a scope, whose contents are scanned as top level;
  - text ending in `)` (possibly followed by const, noexcept, override, final, mutable, a trailing return type) or
    a constructor's initialiser list `) : member(...)`: a function body, measured from its `{` line to its `}`;
  - anything else (initialiser lists, blocks inside a function): nested in whatever encloses it.
Lambdas and local classes inside a function count as part of that function.
"""
import argparse
import os
import re
import sys

SKIP_DIRS = {"tests", "bench", "fuzz", "build", ".git", "node_modules"}
SCOPE_RE = re.compile(r"(^|[\s;}])(namespace|class|struct|union|enum)\b|extern\s*$")
FUNC_TAIL_RE = re.compile(r"\)\s*(const|noexcept|override|final|mutable|&|&&|\s)*(->\s*[\w:<>,\s\*&]+)?$")
CTOR_RE = re.compile(r"\)\s*:\s*[\w:]+\s*[\({]")


def blank(text):
    """Comments, string and character literals replaced by spaces (newlines kept, so line numbers stay)."""
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif c == 'R' and text.startswith('R"', i) and (i == 0 or not (text[i - 1].isalnum() or text[i - 1] == "_")):
            k = text.find("(", i)
            delim = text[i + 2:k]
            j = text.find(")" + delim + '"', k)
            j = n if j < 0 else j + len(delim) + 2
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif c in "\"'":
            # a digit separator (1'000) is not a character literal
            if c == "'" and i > 0 and text[i - 1].isalnum() and i + 1 < n and text[i + 1].isalnum() and text[i - 1].isdigit():
                out.append(" ")
                i += 1
                continue
            j = i + 1
            while j < n and text[j] != c and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            j = min(j + 1, n)
            out.append(" " * (j - i))
            i = j
        else:
            out.append(c)
            i += 1
    return "".join(out)


def functions(text):
    """(name, first line, last line) of every function body outside another function."""
    code = blank(text)
    # preprocessor lines do not take part
    code = re.sub(r"(?m)^[ \t]*#.*$", lambda m: " " * len(m.group(0)), code)
    stack = []  # entries: ("scope"|"func"|"block", start offset, name)
    found = []
    last = 0  # offset after the previous ; { or }
    for i, c in enumerate(code):
        if c == ";":
            last = i + 1
        elif c == "{":
            head = code[last:i].strip()
            in_func = any(kind == "func" for kind, _, _ in stack)
            if in_func:
                kind = "block"
            elif FUNC_TAIL_RE.search(head) or CTOR_RE.search(head):
                kind = "func"
            elif SCOPE_RE.search(head) and "=" not in head:
                kind = "scope"
            else:
                kind = "block"
            name = ""
            if kind == "func":
                m = re.search(r"([~\w:]+(?:<[^<>]*>)?|operator\s*[^\s(]+)\s*\((?:.|\n)*$", head.split(")")[0] + ")")
                name = m.group(1) if m else head[:60]
            stack.append((kind, i, name))
            last = i + 1
        elif c == "}":
            if stack:
                kind, start, name = stack.pop()
                if kind == "func":
                    first = code.count("\n", 0, start) + 1
                    end = code.count("\n", 0, i) + 1
                    found.append((name, first, end))
            last = i + 1
    return found


def library_files(root):
    for dirpath, dirnames, filenames in os.walk(root):
        rel = os.path.relpath(dirpath, root)
        top = rel.split(os.sep)[0]
        if top in SKIP_DIRS or top.startswith("build") or top.startswith("."):
            if rel != ".":
                dirnames[:] = []
                continue
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS and not d.startswith("build") and not d.startswith("."))
        for f in sorted(filenames):
            if f.endswith((".cpp", ".hpp", ".h", ".cc")):
                yield os.path.join(dirpath, f)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("root", nargs="?", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    ap.add_argument("--max-lines", type=int, default=120, help="longest function allowed (lines, braces included)")
    ap.add_argument("--max-file-lines", type=int, default=0, help="longest file allowed (0: not checked)")
    ap.add_argument("--allow", help="file of known exceptions (path:function or path), listed but not failing")
    args = ap.parse_args()
    root = os.path.abspath(args.root)
    allowed = set()
    if args.allow:
        with open(args.allow, encoding="utf-8") as f:
            for line in f:
                entry = line.split("#", 1)[0].strip()
                if entry:
                    allowed.add(entry)
    over = []
    long_files = []
    for path in library_files(root):
        with open(path, encoding="utf-8", errors="replace") as f:
            text = f.read()
        rel = os.path.relpath(path, root)
        lines = text.count("\n")
        if args.max_file_lines and lines > args.max_file_lines:
            long_files.append((lines, rel))
        for name, first, last in functions(text):
            length = last - first + 1
            if length > args.max_lines:
                over.append((length, rel, first, name))
    failing = 0
    seen = set()
    for length, rel, first, name in sorted(over, reverse=True):
        key = f"{rel}:{name}"
        seen.add(key)
        known = key in allowed
        failing += not known
        print(f"{rel}:{first}: {name}: {length} lines (limit {args.max_lines})" + (" [known exception]" if known else ""))
    for lines, rel in sorted(long_files, reverse=True):
        seen.add(rel)
        known = rel in allowed
        failing += not known
        print(f"{rel}: {lines} lines (file limit {args.max_file_lines})" + (" [known exception]" if known else ""))
    for stale in sorted(allowed - seen):
        failing += 1
        print(f"{stale}: listed in {args.allow} but no longer over its limit: remove it from the list")
    print(f"{len(over)} function(s) over {args.max_lines} lines" +
          (f", {len(long_files)} file(s) over {args.max_file_lines} lines" if args.max_file_lines else "") +
          f"; {failing} not allowed")
    return 1 if failing else 0

if __name__ == "__main__":
    sys.exit(main())
