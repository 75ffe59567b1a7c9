"""The common layer, bundled without Docker: aarch64 builds of every compiled dependency, the layer's own
package, nothing the runtime already has, and a cache keyed by its inputs."""

from __future__ import annotations

import filecmp
import os
import re
import shutil
import subprocess
import sys
import threading
from email.parser import Parser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from stacks import layer_bundle as bundling
from stacks.layer_bundle import LOCK_FILE, PACKAGE_DIR, PYTHON_VERSION, LayerBundle, bundle_common_layer

pytestmark = pytest.mark.xdist_group("cdk")

ELF_MAGIC = b"\x7fELF"
ELF_64_BIT = 2
ELF_LITTLE_ENDIAN = 1
EM_AARCH64 = 183


def distributions(bundle: LayerBundle) -> dict[str, Path]:
    """dist-info folders by normalized project name."""
    found = {}
    for dist_info in bundle.site_packages.glob("*.dist-info"):
        metadata = Parser().parsestr((dist_info / "METADATA").read_text())
        found[re.sub(r"[-_.]+", "-", metadata["Name"]).lower()] = dist_info
    return found


def test_every_shared_object_is_built_for_aarch64(layer_bundle: LayerBundle) -> None:
    shared_objects = sorted(layer_bundle.site_packages.rglob("*.so"))
    assert shared_objects, "the lock has compiled dependencies (pydantic-core, bcrypt, …)"
    for shared_object in shared_objects:
        header = shared_object.read_bytes()[:20]
        assert header[:4] == ELF_MAGIC, shared_object
        assert (header[4], header[5]) == (ELF_64_BIT, ELF_LITTLE_ENDIAN), shared_object
        assert int.from_bytes(header[18:20], "little") == EM_AARCH64, shared_object


def test_every_platform_wheel_is_an_arm64_linux_build_for_the_runtime(layer_bundle: LayerBundle) -> None:
    platform_wheels = {}
    for name, dist_info in distributions(layer_bundle).items():
        wheel = Parser().parsestr((dist_info / "WHEEL").read_text())
        if wheel["Root-Is-Purelib"].strip() == "false":
            platform_wheels[name] = wheel.get_all("Tag")
    assert platform_wheels
    cpython = f"cp{PYTHON_VERSION.replace('.', '')}"
    for name, tags in platform_wheels.items():
        for tag in tags:
            python, abi, platform = tag.split("-")
            assert re.fullmatch(r"manylinux\w*_aarch64", platform), f"{name}: {tag}"
            assert python == cpython or abi == "abi3", f"{name}: {tag}"
        record = (distributions(layer_bundle)[name] / "RECORD").read_text()
        assert ".so," in record, f"{name} is a platform wheel without a shared object"


def test_bundle_holds_every_locked_package_except_what_the_runtime_provides(layer_bundle: LayerBundle) -> None:
    bundled = distributions(layer_bundle)
    locked = dict(pin.split("==") for pin in bundling.pinned_requirements(LOCK_FILE.read_text()))
    for name, version in locked.items():
        assert name in bundled, name
        assert Parser().parsestr((bundled[name] / "METADATA").read_text())["Version"] == version
    assert not bundling.RUNTIME_PROVIDED & bundled.keys()
    assert not (layer_bundle.site_packages / "botocore").exists()


def test_bundle_holds_the_layer_package_as_it_is_in_the_repository(layer_bundle: LayerBundle) -> None:
    bundled = layer_bundle.site_packages / PACKAGE_DIR.name
    for source in bundling._package_files(PACKAGE_DIR):
        copy = bundled / source.relative_to(PACKAGE_DIR)
        assert filecmp.cmp(source, copy, shallow=False), copy


def test_the_layer_package_imports_from_the_bundle_alone(layer_bundle: LayerBundle) -> None:
    # This machine cannot load aarch64 extensions, so import the modules that need none, in a
    # process that sees only the bundle (-I: no environment or user site, -S: no site-packages).
    probe = (
        "import sys; sys.path[:0] = [sys.argv[1]]; "
        "import triggers, triggers.tables, triggers.metric_names; "
        "print(triggers.__file__); print(len(triggers.tables.ALL_TABLES)); print(triggers.metric_names.NAMESPACE)"
    )
    result = subprocess.run(
        [sys.executable, "-I", "-S", "-c", probe, str(layer_bundle.site_packages)],
        capture_output=True,
        text=True,
        check=True,
    )
    package_file, tables, namespace = result.stdout.split()
    assert Path(package_file).is_relative_to(layer_bundle.site_packages)
    assert int(tables) > 0
    assert namespace == "TriggersApi"


def test_bundle_carries_bytecode_for_the_runtime_when_this_machine_has_its_python(
    layer_bundle: LayerBundle,
) -> None:
    if bundling.runtime_interpreter() is None:
        pytest.skip(f"no Python {PYTHON_VERSION} on this machine: the bundle ships sources only")
    tag = f"cpython-{PYTHON_VERSION.replace('.', '')}"
    for module in ("triggers/models", "pydantic/main", "aws_lambda_powertools/logging/logger"):
        package, name = module.rsplit("/", 1)
        assert (layer_bundle.site_packages / package / "__pycache__" / f"{name}.{tag}.pyc").is_file(), module


def test_a_built_bundle_is_reused_without_running_pip(
    layer_bundle: LayerBundle, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_pip(*args: object, **kwargs: object) -> None:
        raise AssertionError("pip ran although the bundle was cached")

    monkeypatch.setattr(subprocess, "run", no_pip)
    assert bundle_common_layer() == layer_bundle


def test_the_cache_key_changes_with_the_layer_sources(tmp_path: Path) -> None:
    package = tmp_path / PACKAGE_DIR.name
    shutil.copytree(PACKAGE_DIR, package, ignore=shutil.ignore_patterns("__pycache__"))
    requirements = bundling.pinned_requirements(LOCK_FILE.read_text())
    before = bundling.layer_digest(requirements, package)

    (package / "tables.py").write_text((package / "tables.py").read_text() + "\n# changed\n")

    assert bundling.layer_digest(requirements, package) != before
    assert bundling.layer_digest(requirements[1:], package) != bundling.layer_digest(requirements, package)


def test_pip_builds_for_arm64_from_the_lock_alone() -> None:
    arguments = bundling.pip_install_arguments(Path("target"), ["pydantic==2.14.3"])
    assert "--no-deps" in arguments
    platforms = [arguments[index + 1] for index, argument in enumerate(arguments) if argument == "--platform"]
    assert platforms == ["manylinux2014_aarch64", "manylinux_2_28_aarch64"]
    assert arguments[arguments.index("--python-version") + 1] == PYTHON_VERSION
    assert "--only-binary=:all:" in arguments


def test_only_the_newest_bundles_are_kept(tmp_path: Path) -> None:
    for age, name in enumerate(["oldest", "older", "newer", "current"]):
        (tmp_path / name).mkdir()
        os.utime(tmp_path / name, (age, age))
    (tmp_path / "abc.partial-1").mkdir()  # another synth's build in progress

    bundling._prune(tmp_path, keep=tmp_path / "current")

    assert sorted(path.name for path in tmp_path.iterdir()) == ["abc.partial-1", "current", "newer", "older"]


class _RecordingIndex(ThreadingHTTPServer):
    """A package index that has nothing: it records the paths pip asks for and answers 404."""

    def __init__(self) -> None:
        self.requested: list[str] = []
        index = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                index.requested.append(self.path)
                self.send_error(404)

            def log_message(self, format: str, *args: object) -> None:
                pass

        super().__init__(("127.0.0.1", 0), Handler)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/simple/"


@pytest.mark.parametrize("configured_by", ["PIP_INDEX_URL", "the user's pip.conf"])
def test_the_bundle_comes_from_the_index_pip_is_configured_with(
    configured_by: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Behind a company mirror the bundle must use it: pip's own settings are honoured, not ignored."""
    index = _RecordingIndex()
    threading.Thread(target=index.serve_forever, daemon=True).start()
    monkeypatch.setenv("PIP_FIND_LINKS", "")  # only the index under test can offer a package
    if configured_by == "PIP_INDEX_URL":
        monkeypatch.setenv("PIP_INDEX_URL", index.url)
    else:  # the user's pip.conf: what --isolated would skip
        (tmp_path / "pip").mkdir()
        (tmp_path / "pip" / "pip.conf").write_text(f"[global]\nindex-url = {index.url}\n")
        monkeypatch.delenv("PIP_INDEX_URL", raising=False)
        monkeypatch.delenv("PIP_CONFIG_FILE", raising=False)
        monkeypatch.setenv("HOME", str(tmp_path))
        monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    (tmp_path / "layer.lock").write_text("pydantic==2.14.3\n")
    try:
        with pytest.raises(subprocess.CalledProcessError):  # the index has nothing to offer
            bundle_common_layer(tmp_path / "layer.lock", PACKAGE_DIR, tmp_path / "build")
    finally:
        index.shutdown()
        index.server_close()
    assert "/simple/pydantic/" in index.requested
