"""Run every benchmark in this folder, or the ones named: `python -m benchmarks.run [import scan]`.

A benchmark is a module `benchmarks/bench_<name>.py` with a `main()` that reads its
own options from the command line. Each runs in its own Python process, because some
set up Django with their own HRGUARD_HOME. Options after `--` go to every benchmark
run, for example `python -m benchmarks.run import -- --full`. The defaults of each
benchmark finish in a few minutes; their full sizes are behind their own flags.
"""

import argparse
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FOLDER = Path(__file__).resolve().parent


def available() -> list[str]:
    """Return the names of the benchmark modules present, in alphabetical order."""
    return sorted(path.stem.removeprefix("bench_") for path in FOLDER.glob("bench_*.py"))


def run(name: str, options: list[str]) -> int:
    """Run one benchmark's main() in a child process and return its exit code."""
    command = [
        sys.executable,
        "-c",
        f"import sys; sys.argv[0] = 'benchmarks/bench_{name}.py'; "
        f"from benchmarks.bench_{name} import main; main()",
        *options,
    ]
    return subprocess.run(command, cwd=ROOT, check=False).returncode


def main() -> None:
    arguments = sys.argv[1:]
    options: list[str] = []
    if "--" in arguments:
        split = arguments.index("--")
        arguments, options = arguments[:split], arguments[split + 1 :]
    names = available()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", metavar="name", help=f"any of: {', '.join(names)}")
    chosen = parser.parse_args(arguments).names or names
    unknown = [name for name in chosen if name not in names]
    if unknown:
        parser.error(f"no benchmark named {', '.join(unknown)}; present: {', '.join(names)}")

    failed: list[str] = []
    for name in chosen:
        print(f"== bench_{name} ==", flush=True)
        started = time.perf_counter()
        code = run(name, options)
        print(f"== bench_{name}: exit {code}, {time.perf_counter() - started:.0f} s ==", flush=True)
        if code:
            failed.append(name)
    if failed:
        sys.exit(f"failed: {', '.join(failed)}")


if __name__ == "__main__":
    main()
