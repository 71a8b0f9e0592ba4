"""The packaging: pyproject.toml's ranges, the two hashed locks generated from it
(requirements.txt for the runtime, tests/requirements.txt for runtime + tests), and the
environment the tests run in. No network: everything is read from the files and from
the installed packages' metadata.

Not checked: that the installed versions equal the lock's. CI installs the test lock, so
there they do anyway; but `pip install ".[test]"` resolves pyproject.toml's ranges afresh
and may get newer releases than the lock, a valid install that such a test would fail.
What is checked is that what is installed lies within pyproject.toml's ranges.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

REPO = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
PROJECT = PYPROJECT["project"]
RUNTIME_LOCK = REPO / "requirements.txt"
TEST_LOCK = REPO / "tests" / "requirements.txt"
# what uv writes in a pin's "# via" when the pin is there only because of `-c tests/requirements.txt`,
# and when pyproject.toml itself asks for the package
BY_CONSTRAINT = "-c tests/requirements.txt"
BY_PROJECT = f"{PROJECT['name']} (pyproject.toml)"


@dataclass
class Pin:
    requirement: Requirement
    hashes: list[str] = field(default_factory=list)
    via: set[str] = field(default_factory=set)

    @property
    def version(self) -> Version | None:
        specs = list(self.requirement.specifier)
        if len(specs) == 1 and specs[0].operator == "==" and "*" not in specs[0].version:
            return Version(specs[0].version)
        return None


@dataclass
class Lock:
    pins: dict[str, Pin]
    other_lines: list[str]  # anything that is not a pin (an option, an editable, a URL)


def read_lock(path: Path) -> Lock:
    """Parse a requirements file as pip-compile and `uv pip compile` write it."""
    pins: dict[str, Pin] = {}
    other: list[str] = []
    current: Pin | None = None
    in_via = False
    logical = ""
    for raw in path.read_text(encoding="utf-8").splitlines():
        stripped = raw.strip()
        if not logical and stripped.startswith("#"):
            text = stripped[1:].strip()
            if current is not None:
                if text == "via" or text.startswith("via "):
                    in_via = True
                    if text[3:].strip():
                        current.via.add(text[3:].strip())
                elif in_via and text:
                    current.via.add(text)
            continue
        if not stripped:
            continue
        logical += " " + stripped.removesuffix("\\")
        if stripped.endswith("\\"):
            continue
        line, logical, in_via = logical.strip(), "", False
        if line.startswith("-"):
            other.append(line)
            current = None
            continue
        spec, *options = re.split(r"\s+(?=--)", line)
        current = Pin(Requirement(spec))
        for option in options:
            if option.startswith("--hash="):
                current.hashes.append(option.removeprefix("--hash="))
            else:
                other.append(f"{spec} {option}")
        pins[canonicalize_name(current.requirement.name)] = current
    return Lock(pins, other)


RUNTIME = read_lock(RUNTIME_LOCK)
TESTS = read_lock(TEST_LOCK)
RUNTIME_DEPS = [Requirement(text) for text in PROJECT["dependencies"]]
TEST_DEPS = [Requirement(text) for text in PROJECT["optional-dependencies"]["test"]]
LOCKS = {"requirements.txt": RUNTIME, "tests/requirements.txt": TESTS}
PROJECT_PYTHON = Requirement(f"python{PROJECT['requires-python']}").specifier


def _name(req: Requirement) -> str:
    return canonicalize_name(req.name)


def test_the_lock_parser_reads_pins_hashes_and_their_reasons(tmp_path):
    lock = tmp_path / "lock.txt"
    lock.write_text(
        "# header\n"
        "Foo_Bar==1.2 \\\n    --hash=sha256:" + "a" * 64 + " \\\n    --hash=sha256:" + "b" * 64 + "\n"
        "    # via\n    #   -c tests/requirements.txt\n    #   baz\n"
        "qux>=2\n"
        "    # via dasbor-pembinaan-asn (pyproject.toml)\n"
        "--index-url https://example.invalid/simple\n", encoding="utf-8")
    parsed = read_lock(lock)
    assert set(parsed.pins) == {"foo-bar", "qux"}
    assert parsed.pins["foo-bar"].version == Version("1.2")
    assert parsed.pins["foo-bar"].hashes == ["sha256:" + "a" * 64, "sha256:" + "b" * 64]
    assert parsed.pins["foo-bar"].via == {BY_CONSTRAINT, "baz"}
    assert parsed.pins["qux"].version is None and parsed.pins["qux"].hashes == []
    assert parsed.pins["qux"].via == {BY_PROJECT}
    assert parsed.other_lines == ["--index-url https://example.invalid/simple"]


@pytest.mark.parametrize("lock_name", list(LOCKS))
def test_every_line_of_a_lock_is_an_exact_pin_with_a_hash(lock_name):
    lock = LOCKS[lock_name]
    assert lock.pins, f"{lock_name} pins nothing"
    assert lock.other_lines == [], f"{lock_name}: lines that are not pins: {lock.other_lines}"
    loose = [str(pin.requirement) for pin in lock.pins.values() if pin.version is None]
    assert loose == [], f"{lock_name}: not pinned with ==: {loose}"
    unhashed = [name for name, pin in lock.pins.items() if not pin.hashes]
    assert unhashed == [], f"{lock_name}: pins without --hash: {unhashed}"
    bad = [(name, h) for name, pin in lock.pins.items() for h in pin.hashes
           if not re.fullmatch(r"sha256:[0-9a-f]{64}", h)]
    assert bad == [], f"{lock_name}: hashes that are not sha256: {bad}"
    marked = [str(pin.requirement) for pin in lock.pins.values() if pin.requirement.marker or pin.requirement.url]
    assert marked == [], f"{lock_name}: pins with a marker or URL (the locks are for CPython 3.11 on Linux): {marked}"


def _bounded_below_the_next_major(req: Requirement, locked: Version) -> list[str]:
    """What is wrong with the range of one declared dependency (empty: nothing)."""
    ops = {spec.operator: Version(spec.version) for spec in req.specifier}
    problems = []
    if not ({">=", ">"} & set(ops)):
        problems.append("no lower bound")
    if "<" not in ops:
        problems.append("no upper bound (<)")
    elif ops["<"] > Version(f"{locked.major + 1}"):
        problems.append(f"upper bound {ops['<']} lets in a major release after the locked {locked}")
    return problems


def test_every_runtime_dependency_is_pinned_in_the_runtime_lock_within_its_range():
    assert RUNTIME_DEPS, "pyproject.toml declares no runtime dependency"
    for req in RUNTIME_DEPS:
        pin = RUNTIME.pins.get(_name(req))
        assert pin is not None, f"{req} of pyproject.toml is not in requirements.txt: regenerate the locks"
        assert req.specifier.contains(pin.version, prereleases=True), \
            f"requirements.txt pins {pin.requirement}, outside pyproject.toml's {req}"
        assert BY_PROJECT in pin.via, f"{req.name}: the lock does not say pyproject.toml asks for it"
        assert _bounded_below_the_next_major(req, pin.version) == [], req


def test_the_test_extra_is_in_the_test_lock_and_the_runtime_lock_is_free_of_it():
    runtime_names = {_name(req) for req in RUNTIME_DEPS}
    assert {"pytest", "playwright"} <= {_name(req) for req in TEST_DEPS}
    for req in TEST_DEPS:
        name = _name(req)
        assert name not in runtime_names, f"{req.name} is both a runtime and a test dependency"
        pin = TESTS.pins.get(name)
        assert pin is not None, f"{req} of the test extra is not in tests/requirements.txt: regenerate the locks"
        assert req.specifier.contains(pin.version, prereleases=True), \
            f"tests/requirements.txt pins {pin.requirement}, outside pyproject.toml's {req}"
        assert _bounded_below_the_next_major(req, pin.version) == [], req
        # a test tool may be in the runtime lock only where a runtime package needs it
        # (joserfc: Authlib, behind streamlit[auth], requires it)
        if name in RUNTIME.pins:
            needed_by = RUNTIME.pins[name].via - {BY_CONSTRAINT, BY_PROJECT}
            assert needed_by, f"{req.name} is in requirements.txt though no runtime package needs it"
    # and nothing at all is in the runtime lock only because the test lock constrains it
    extra = sorted(name for name, pin in RUNTIME.pins.items() if not pin.via - {BY_CONSTRAINT})
    assert extra == [], f"in requirements.txt for no runtime reason: {extra}"


def test_shared_packages_have_the_same_version_and_files_in_both_locks():
    missing = sorted(set(RUNTIME.pins) - set(TESTS.pins))
    assert missing == [], f"tests/requirements.txt lacks runtime pins: {missing}"
    for name, pin in RUNTIME.pins.items():
        other = TESTS.pins[name]
        assert pin.version == other.version, \
            f"{name}: {pin.version} in requirements.txt, {other.version} in tests/requirements.txt"
        assert sorted(pin.hashes) == sorted(other.hashes), f"{name}: the two locks allow different files"
    assert set(TESTS.pins) - set(RUNTIME.pins), "the test lock adds no test tool"


def test_both_locks_say_how_to_regenerate_them():
    command = PYPROJECT["tool"]["uv"]["pip"]["custom-compile-command"]
    header = "# This file was autogenerated by uv via the following command:\n#    " + command + "\n"
    for lock_name in LOCKS:
        text = (REPO / lock_name).read_text(encoding="utf-8")
        assert text.startswith(header), f"{lock_name} was not generated by the commands in pyproject.toml"
    python = re.findall(r"--python-version (\S+)", command)
    assert python and all(Version(v) in PROJECT_PYTHON for v in python), (python, PROJECT["requires-python"])
    assert "-o tests/requirements.txt" in command and "-c tests/requirements.txt -o requirements.txt" in command



def _installed(name: str) -> Version:
    try:
        return Version(metadata.version(name))
    except metadata.PackageNotFoundError:
        pytest.fail(f"{name} is not installed: pip install --require-hashes -r tests/requirements.txt")


def test_the_installed_runtime_lies_within_pyproject_ranges_extras_included():
    import platform
    assert Version(platform.python_version()) in PROJECT_PYTHON
    for req in RUNTIME_DEPS:
        version = _installed(req.name)
        assert req.specifier.contains(version, prereleases=True), f"{req.name} {version} installed, {req} declared"
        for extra in req.extras:  # streamlit[auth] -> Authlib, httpx; psycopg[binary] -> psycopg-binary
            wanted = [Requirement(text) for text in metadata.requires(req.name) or []]
            wanted = [dep for dep in wanted if dep.marker is not None
                      and dep.marker.evaluate({"extra": extra}) and not dep.marker.evaluate({"extra": ""})]
            assert wanted, f"{req.name} has no extra [{extra}]"
            for dep in wanted:
                got = _installed(dep.name)
                assert dep.specifier.contains(got, prereleases=True), \
                    f"{dep.name} {got} installed, {req.name}[{extra}] wants {dep.specifier}"


def test_the_setuptools_packages_are_every_python_package_of_the_app_with_its_data():
    setuptools = PYPROJECT["tool"]["setuptools"]
    on_disk = {str(init.parent.relative_to(REPO)).replace("/", ".")
               for top in ("data_access", "ui") for init in (REPO / top).rglob("__init__.py")}
    assert set(setuptools["packages"]) == on_disk
    data = [path.relative_to(REPO / "data_access") for path in (REPO / "data_access" / "referensi").iterdir()]
    assert Path("referensi/wilayah.csv") in data
    unshipped = [str(path) for path in data
                 if not any(path.match(glob) for glob in setuptools["package-data"]["data_access"])]
    assert unshipped == [], f"data files of data_access that an install would leave out: {unshipped}"
