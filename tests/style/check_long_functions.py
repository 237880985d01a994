#!/usr/bin/env python3
"""Checks scripts/long_functions.py on a small tree written here: a function of 121 lines (braces included) fails the
check and is named with its length, one of 120 lines passes; comments and strings holding braces do not count;
methods in a class and functions in a namespace are measured; an allow-list entry lets a long function pass, and a
stale entry fails.

    check_long_functions.py SCRIPT WORKDIR
"""
import os
import shutil
import subprocess
import sys


def function(name, lines, prefix=""):
    """A function of exactly `lines` lines from its opening line to its closing brace."""
    body = [f'{prefix}    int x = 0;  // {{ a brace in a comment', f'{prefix}    const char* s = "}} {{ }}";']
    body += [f"{prefix}    x += {i};" for i in range(lines - 2 - len(body))]
    return [f"{prefix}int {name}(int a) {{"] + body + [f"{prefix}}}"]


def run(script, root, *extra):
    p = subprocess.run([sys.executable, script, *extra, root], capture_output=True, text=True)
    return p.returncode, p.stdout


def main():
    script, work = sys.argv[1], sys.argv[2]
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(os.path.join(work, "lib"))
    os.makedirs(os.path.join(work, "tests"))
    src = ["namespace q {", "namespace {", ""] + function("fits", 120) + ["", "}  // namespace", "struct S {"]
    src += function("long_method", 121, "    ") + ["};", "}  // namespace q", ""]
    with open(os.path.join(work, "lib", "a.cpp"), "w") as f:
        f.write("\n".join(src))
    with open(os.path.join(work, "tests", "t.cpp"), "w") as f:  # tests are not library code
        f.write("\n".join(function("in_a_test", 300)) + "\n")
    failures = []
    rc, out = run(script, work)
    if rc != 1:
        failures.append(f"a 121-line function: exit {rc}, expected 1")
    if "lib/a.cpp" not in out or "long_method: 121 lines" not in out:
        failures.append("the 121-line method is not named with its length:\n" + out)
    if "fits" in out or "in_a_test" in out:
        failures.append("a 120-line function or a test was listed:\n" + out)
    allow = os.path.join(work, "allow.txt")
    with open(allow, "w") as f:
        f.write("lib/a.cpp:long_method  # known\n")
    rc, out = run(script, work, "--allow", allow)
    if rc != 0:
        failures.append(f"an allowed long function: exit {rc}, expected 0:\n" + out)
    with open(allow, "a") as f:
        f.write("lib/b.cpp:gone\n")
    rc, out = run(script, work, "--allow", allow)
    if rc != 1 or "lib/b.cpp:gone" not in out:
        failures.append(f"a stale allow-list entry: exit {rc}, expected 1 naming it:\n" + out)
    rc, out = run(script, work, "--max-lines", "200", "--max-file-lines", "100")
    if rc != 1 or "lib/a.cpp: " not in out:
        failures.append(f"a file over the file limit: exit {rc}, expected 1 naming it:\n" + out)
    for f in failures:
        print("FAIL:", f)
    if not failures:
        print("long_functions.py: 121-line function found, 120-line function passed, allow list and file limit work")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
