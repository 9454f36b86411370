"""The README's source tour and docs/architecture.md keep up with the tree.

A library folder is a top-level folder whose CMakeLists.txt has an
add_library. For each one:

  - the source tour has a bullet "- `folder/` ..." that names every module
    of the folder (a module is a .c or .h file; naming `x.c` or `x.h` names
    both; a module's private `*_internal.h` need not be named);
  - every `name.c` or `name.h` a bullet names exists in that folder (a
    renamed or removed module leaves no stale name behind);
  - docs/architecture.md has a row "| `folder/` |" in its table, and every
    `name.c` or `name.h` it names (bare, or as folder/name) exists.

Usage: check_tour.py ROOT (the repository). Prints every problem; exit 1 if
any."""
import os
import re
import sys

FILE = re.compile(r"(?<![\w/.-])((?:[a-z_]+/)?[a-z_0-9]+)\.([ch])\b")


def library_folders(root):
    out = []
    for name in sorted(os.listdir(root)):
        cml = os.path.join(root, name, "CMakeLists.txt")
        if name.startswith(("build", "tests", ".")) or not os.path.isfile(cml):
            continue
        with open(cml, encoding="utf-8") as f:
            if re.search(r"^\s*add_library\(", f.read(), re.M):
                out.append(name)
    return out


def modules(root, folder):
    """{stem: [files]} of the folder's .c and .h files, private headers left out."""
    out = {}
    for f in sorted(os.listdir(os.path.join(root, folder))):
        stem, ext = os.path.splitext(f)
        if ext in (".c", ".h") and not stem.endswith("_internal"):
            out.setdefault(stem, []).append(f)
    return out


def tour_bullets(readme):
    """{folder: text of its bullet} from the README's "## Source tour" section."""
    text = open(readme, encoding="utf-8").read()
    m = re.search(r"^## Source tour\n(.*?)(?=^## )", text, re.M | re.S)
    if not m:
        return None
    bullets, current = {}, None
    for line in m.group(1).split("\n"):
        b = re.match(r"- `([a-z_/]+)/`", line)
        if b:
            current = b.group(1)
            bullets[current] = line
        elif current and line.startswith("  "):
            bullets[current] += "\n" + line
        else:
            current = None
    return bullets


def main(root):
    problems = []
    readme = os.path.join(root, "README.md")
    arch = os.path.join(root, "docs", "architecture.md")
    folders = library_folders(root)
    if len(folders) < 5:
        problems.append("found only %d library folders under %s: %s" % (len(folders), root, folders))
    bullets = tour_bullets(readme)
    if bullets is None:
        problems.append("README.md: no \"## Source tour\" section")
        bullets = {}

    for folder in folders:
        mods = modules(root, folder)
        text = bullets.get(folder)
        if text is None:
            problems.append("README.md source tour: no bullet for `%s/`" % folder)
            continue
        named = {m.group(1).split("/")[-1] for m in FILE.finditer(text)}
        for stem in mods:
            if stem not in named:
                problems.append("README.md source tour, `%s/`: %s is not named"
                                % (folder, " or ".join(mods[stem])))
        for m in FILE.finditer(text):
            path = m.group(1) + "." + m.group(2)
            where = path if "/" in path else os.path.join(folder, path)
            if not os.path.isfile(os.path.join(root, where)):
                problems.append("README.md source tour, `%s/`: %s names no file (%s)"
                                % (folder, path, where))

    arch_text = open(arch, encoding="utf-8").read()
    every = {f for folder in folders for mods in [modules(root, folder)]
             for files in mods.values() for f in files}
    every |= {f for folder in folders for f in os.listdir(os.path.join(root, folder))
              if f.endswith("_internal.h")}
    for folder in folders:
        if not re.search(r"^\| `%s/` \|" % re.escape(folder), arch_text, re.M):
            problems.append("docs/architecture.md: no table row for `%s/`" % folder)
    for m in FILE.finditer(arch_text):
        path = m.group(1) + "." + m.group(2)
        ok = os.path.isfile(os.path.join(root, path)) if "/" in path else path in every
        if not ok:
            problems.append("docs/architecture.md: %s names no file of the libraries" % path)

    for p in problems:
        print("tour: " + p)
    if problems:
        return 1
    print("tour: %d library folders, %d modules, all named; no stale names"
          % (len(folders), sum(len(modules(root, f)) for f in folders)))
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: check_tour.py ROOT")
    sys.exit(main(sys.argv[1]))
