"""Known vulnerabilities in the installed dependency set (`make audit`; a step of .ci/run).

    .venv/bin/python .ci/audit_dependencies.py

Freezes .venv (what `make install` resolved: the set the app and the tests really run) and asks pip-audit
(installed in a virtualenv of its own, var/pip-audit-venv) about every pinned version: the OSV service first,
then PyPI's. Exit 1 when a known vulnerability is found that .ci/pip-audit-ignore does not list with the
reason it does not apply. When no service answers, or every package was skipped (a mirror without PyPI's
per-version data), it says loudly that the audit COULD NOT RUN and exits 0: a network outage must not fail
CI, and must never read as a pass either.
"""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
AUDIT_VENV = ROOT / "var" / "pip-audit-venv"
IGNORE_FILE = ROOT / ".ci" / "pip-audit-ignore"
SERVICES = ("osv", "pypi")
TIMEOUT = 45


def banner(text: str) -> None:
    print(f"\n{'!' * 100}\n{text}\n{'!' * 100}\n")


def pip_audit() -> Path | None:
    binary = AUDIT_VENV / "bin" / "pip-audit"
    if binary.exists():
        return binary
    subprocess.run([sys.executable, "-m", "venv", str(AUDIT_VENV)], check=True)  # noqa: S603
    try:
        installed = subprocess.run(  # noqa: S603
            [
                str(AUDIT_VENV / "bin" / "pip"),
                "install",
                "--quiet",
                "--disable-pip-version-check",
                "pip-audit",
            ],
            timeout=120,
        )
    except subprocess.TimeoutExpired:
        return None
    return binary if installed.returncode == 0 and binary.exists() else None


def ignored() -> dict[str, str]:
    """`ID  why it does not apply` per line; # comments."""
    entries = {}
    if IGNORE_FILE.exists():
        for line in IGNORE_FILE.read_text().splitlines():
            line = line.split("#", 1)[0].strip()
            if line:
                vuln_id, _, reason = line.partition(" ")
                entries[vuln_id] = reason.strip()
    return entries


def main() -> int:
    frozen = subprocess.run(  # noqa: S603
        [str(ROOT / ".venv" / "bin" / "pip"), "freeze", "--exclude-editable", "--disable-pip-version-check"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    requirements = ROOT / "var" / "audit-requirements.txt"
    requirements.parent.mkdir(parents=True, exist_ok=True)
    requirements.write_text(frozen)
    binary = pip_audit()
    if binary is None:
        banner("DEPENDENCY AUDIT COULD NOT RUN: pip-audit could not be installed (no package index?).")
        return 0
    skip = ignored()
    tried = []
    for service in SERVICES:
        command = [str(binary), "-r", str(requirements), "--no-deps", "--disable-pip", "--format", "json"]
        command += ["--vulnerability-service", service, "--progress-spinner", "off"]
        for vuln_id in skip:
            command += ["--ignore-vuln", vuln_id]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT)  # noqa: S603
            report = json.loads(done.stdout or "{}")
        except (subprocess.TimeoutExpired, json.JSONDecodeError):
            tried.append(f"{service}: no answer")
            continue
        dependencies = report.get("dependencies", [])
        if not dependencies:
            reason = (done.stderr.strip().splitlines() or ["no output"])[-1][:200]
            tried.append(f"{service}: no answer ({reason})")
            continue
        audited = [dep for dep in dependencies if "skip_reason" not in dep]
        if not audited:
            tried.append(
                f"{service}: every one of {len(dependencies)} packages skipped (no data for their versions)"
            )
            continue
        found = [(dep, vuln) for dep in audited for vuln in dep.get("vulns", [])]
        print(f"pip-audit ({service}): {len(audited)} of {len(dependencies)} packages audited.")
        for dep in dependencies:
            if "skip_reason" in dep:
                print(f"  not audited: {dep['name']} {dep.get('version', '')}: {dep['skip_reason']}")
        for vuln_id, reason in skip.items():
            print(f"  accepted: {vuln_id}: {reason}")
        if found:
            for dep, vuln in found:
                fixed = ", ".join(vuln.get("fix_versions", [])) or "no fix yet"
                print(f"  VULNERABLE: {dep['name']} {dep['version']}: {vuln['id']} (fixed in {fixed})")
            print("Upgrade, or list the id in .ci/pip-audit-ignore with why it does not apply.")
            return 1
        print("0 known vulnerabilities.")
        return 0
    banner(
        "DEPENDENCY AUDIT COULD NOT RUN: no vulnerability service answered, so NOTHING WAS CHECKED.\n"
        + "\n".join(f"  {line}" for line in tried)
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
