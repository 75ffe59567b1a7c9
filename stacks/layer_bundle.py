"""Builds the common layer for arm64 Lambda without Docker, cached by a hash of everything that goes into it.

pip downloads the pinned aarch64 wheels (no compiler, no emulation) into ``python/``, next to a copy
of the ``triggers`` package, from the index this machine's pip is configured with (``PIP_INDEX_URL``,
``pip.conf``). A finished bundle lives in ``.layer-build/<digest>/`` and is reused by every
later synth until the lock, the package sources or the build command change.

When a CPython of the runtime's version is on this machine, the bundle also carries its bytecode:
``/opt`` is read-only in Lambda, so without it every cold start recompiles Powertools, pydantic and the
layer (measured: +250 to +400 ms per cold start; ``make bench``).
"""

from __future__ import annotations

import glob
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from aws_cdk import aws_lambda as lambda_

RUNTIME = lambda_.Runtime.PYTHON_3_13
ARCHITECTURE = lambda_.Architecture.ARM_64
PYTHON_VERSION = RUNTIME.name.removeprefix("python")
# Lambda's Python 3.13 runtime runs on Amazon Linux 2023 (glibc 2.34): wheels built for glibc 2.17
# (manylinux2014) or 2.28 both load there, and newer releases of some packages ship only the latter.
WHEEL_PLATFORMS = ("manylinux2014_aarch64", "manylinux_2_28_aarch64")

REPO_ROOT = Path(__file__).resolve().parent.parent
LOCK_FILE = REPO_ROOT / "requirements" / "layer.lock"
PACKAGE_DIR = REPO_ROOT / "layers" / "common" / "triggers"
BUILD_ROOT = REPO_ROOT / ".layer-build"

# The Lambda Python runtime ships boto3 and its dependencies; a second botocore in the layer would
# shadow the runtime's and drift from the boto3 it was released with.
RUNTIME_PROVIDED = frozenset({"boto3", "botocore", "s3transfer", "jmespath", "python-dateutil", "six", "urllib3"})

KEPT_BUNDLES = 3  # the current one and two before it, for switching branches without rebuilding

_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;]+)$")
_NOT_SOURCES = shutil.ignore_patterns("__pycache__", "*.pyc")


@dataclass(frozen=True)
class LayerBundle:
    path: Path  # holds python/…, the layout Lambda expects of a Python layer
    digest: str

    @property
    def site_packages(self) -> Path:
        return self.path / "python"


def pinned_requirements(lock_text: str) -> list[str]:
    """``name==version`` for every locked package the runtime does not already provide."""
    pins = []
    for line in lock_text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        match = _PIN.match(line)
        if match is None:
            raise ValueError(f"{LOCK_FILE.name}: expected `name==version`, got {line!r}")
        if _normalized(match[1]) not in RUNTIME_PROVIDED:
            pins.append(line)
    return pins


def pip_install_arguments(target: Path, requirements: list[str]) -> list[str]:
    return [
        "install",
        # Not --isolated: the index (PIP_INDEX_URL, pip.conf) is this machine's, which may be a company
        # mirror. Exact pins and --no-deps keep the bundle the lock's, whichever index serves it.
        "--disable-pip-version-check",
        "--quiet",
        # The lock is complete, and target-platform wheels never run here.
        "--no-deps",
        "--no-compile",
        "--only-binary=:all:",
        *(argument for platform in WHEEL_PLATFORMS for argument in ("--platform", platform)),
        "--python-version",
        PYTHON_VERSION,
        "--implementation",
        "cp",
        "--target",
        str(target),
        *requirements,
    ]


@cache
def runtime_interpreter() -> str | None:
    """A local CPython of the Lambda runtime's version (bytecode is specific to it), if there is one."""
    pyenv_root = os.environ.get("PYENV_ROOT", str(Path.home() / ".pyenv"))
    candidates = [
        shutil.which(f"python{PYTHON_VERSION}"),
        *sorted(glob.glob(f"{pyenv_root}/versions/{PYTHON_VERSION}.*/bin/python{PYTHON_VERSION}")),
    ]
    for candidate in filter(None, candidates):
        probe = subprocess.run(  # noqa: S603 - a local interpreter asked for its version
            [candidate, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
            capture_output=True,
            text=True,
            check=False,
        )
        if probe.returncode == 0 and probe.stdout.strip() == PYTHON_VERSION:
            return candidate
    return None


def compile_bytecode(interpreter: str, site_packages: Path) -> None:
    # unchecked-hash: the layer is read-only and never edited, so skip the per-import source check.
    command = [interpreter, "-m", "compileall", "-q", "-j", "0", "--invalidation-mode", "unchecked-hash"]
    subprocess.run([*command, str(site_packages)], check=True, stdout=subprocess.DEVNULL)  # noqa: S603


def layer_digest(requirements: list[str], package_dir: Path = PACKAGE_DIR, with_bytecode: bool = False) -> str:
    digest = hashlib.sha256()
    digest.update(" ".join(pip_install_arguments(Path("python"), requirements)).encode())
    digest.update(b"bytecode" if with_bytecode else b"sources only")
    for source in _package_files(package_dir):
        digest.update(source.relative_to(package_dir).as_posix().encode())
        digest.update(source.read_bytes())
    return digest.hexdigest()[:16]


def bundle_common_layer(
    lock_file: Path = LOCK_FILE, package_dir: Path = PACKAGE_DIR, build_root: Path = BUILD_ROOT
) -> LayerBundle:
    requirements = pinned_requirements(lock_file.read_text())
    interpreter = runtime_interpreter()
    digest = layer_digest(requirements, package_dir, with_bytecode=interpreter is not None)
    bundle = LayerBundle(build_root / digest, digest)
    if bundle.path.is_dir():
        return bundle
    build_root.mkdir(parents=True, exist_ok=True)
    # Built aside and renamed into place, so an interrupted or concurrent build is never reused half-done.
    staging = Path(tempfile.mkdtemp(prefix=f"{digest}.partial-", dir=build_root))
    print(f"Bundling the common layer for arm64 into {bundle.path} (pip downloads the locked wheels)", file=sys.stderr)
    try:
        pip = [sys.executable, "-m", "pip", *pip_install_arguments(staging / "python", requirements)]
        subprocess.run(pip, check=True)  # noqa: S603 - no shell, arguments from the lock
        shutil.copytree(package_dir, staging / "python" / package_dir.name, ignore=_NOT_SOURCES)
        if interpreter is not None:
            compile_bytecode(interpreter, staging / "python")
        else:
            print(f"No Python {PYTHON_VERSION} here: the layer ships without bytecode (slower cold starts).")
        try:
            staging.rename(bundle.path)
        except OSError:
            if not bundle.path.is_dir():
                raise  # not just another synth finishing the same bundle first
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    _prune(build_root, keep=bundle.path)
    return bundle


def _prune(build_root: Path, keep: Path) -> None:
    """Drops all but the newest few bundles: each edit of the layer's sources leaves one behind."""
    bundles = sorted(
        (path for path in build_root.iterdir() if path.is_dir() and ".partial-" not in path.name and path != keep),
        key=lambda path: path.stat().st_mtime,
        reverse=True,
    )
    for stale in bundles[KEPT_BUNDLES - 1 :]:
        shutil.rmtree(stale, ignore_errors=True)


def _normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _package_files(package_dir: Path) -> list[Path]:
    return sorted(
        path
        for path in package_dir.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc"
    )


if __name__ == "__main__":
    print(bundle_common_layer().path)
