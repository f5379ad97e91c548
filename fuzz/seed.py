#!/usr/bin/env python3
"""Seeds fuzz/corpus/<target>/ from the files in fixtures/ (run by fuzz/run).

Targets that pick a file name from their first byte get that byte prepended,
so each seed starts as the kind of file it really is."""

import hashlib
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
CORPUS = Path(__file__).resolve().parent / "corpus"

PICK = {
    "ini": ["pytest.ini", "tox.ini", "setup.cfg"],
    "toml": ["pyproject.toml", "pytest.toml", "tox.toml"],
    "json": ["composer.json", "package.json"],
    "task_runner": ["Taskfile.yml", "Makefile"],
    "containers": ["compose.yaml", "Dockerfile", ".envrc", ".gitignore", "docker-compose.test.yml"],
    "lint": ["pytest.ini", "tox.ini", "setup.cfg", "pyproject.toml", "tox.toml", ".env.test",
             ".env.testing", ".env", "phpunit.xml.dist", ".github/workflows/test.yml",
             ".gitlab-ci.yml", "config/packages/doctrine.yaml", "composer.json", "package.json",
             "bootstrap/cache/config.php", "tests/Api.suite.yml", "README.md",
             "config/settings/test.py"],
}


def kind(rel: str) -> str | None:
    name = rel.rsplit("/", 1)[-1]
    if name in ("pytest.ini", "tox.ini", "setup.cfg"):
        return "ini"
    if name.endswith(".toml") and name in ("pyproject.toml", "pytest.toml", "tox.toml"):
        return "toml"
    if name.startswith(".env"):
        return "dotenv"
    if name.startswith("phpunit."):
        return "phpunit"
    if "/.github/workflows/" in "/" + rel:
        return "github"
    if name == ".gitlab-ci.yml" or rel.split("/")[-2:-1] == ["ci"]:
        return "gitlab"
    if name in ("composer.json", "package.json"):
        return "json"
    if name in ("doctrine.yaml", "doctrine.yml"):
        return "symfony"
    if name == "database.yml":
        return "erb"
    if name in ("test.exs", "dev.exs", "config.exs", "runtime.exs"):
        return "elixir"
    if name.startswith("application") and name.endswith((".properties", ".yml", ".yaml")) or name.endswith(".java"):
        return "spring"
    if name.startswith("appsettings") and name.endswith(".json") or name.endswith((".cs", ".csproj")):
        return "dotnet"
    if name.endswith(".go") or name == "app.env":
        return "go_code"
    if name.endswith(".nix"):
        return "nix"
    if name in ("Gemfile", "rails_helper.rb", "spec_helper.rb", "database_cleaner.rb"):
        return "gemfile"
    if name in ("compose.yaml", "Dockerfile", ".envrc", ".gitignore") or name.startswith("docker-compose"):
        return "containers"
    if name.endswith(".py"):
        return "python_code"
    if name.rsplit(".", 1)[-1] in ("js", "ts", "mjs", "cjs", "mts", "cts"):
        return "js_code"
    if name.endswith(".php"):
        return "php_code"
    if name == "README.md":
        return "readme"
    if name in ("Taskfile.yml", "Makefile"):
        return "task_runner"
    return None


def lint_name(rel: str) -> str | None:
    name = rel.rsplit("/", 1)[-1]
    for n in PICK["lint"]:
        if n == name or rel.endswith("/" + n) or (n.startswith(".github/") and "/.github/workflows/" in "/" + rel):
            return n
    if name.startswith(".env.test"):
        return ".env.test"
    if name.startswith("phpunit."):
        return "phpunit.xml.dist"
    return None


def put(target: str, data: bytes) -> None:
    d = CORPUS / target
    d.mkdir(parents=True, exist_ok=True)
    (d / hashlib.sha1(data).hexdigest()).write_bytes(data)


def main() -> int:
    n = 0
    for p in sorted(FIXTURES.rglob("*")):
        if not p.is_file():
            continue
        rel = p.relative_to(FIXTURES).as_posix()
        data = p.read_bytes()
        # the new readers' own targets: a suite or dotenv template for
        # codeception, a database group class for codeigniter
        name = rel.rsplit("/", 1)[-1]
        if name.endswith((".suite.yml", ".suite.dist.yml")) or name in (".env.dist", ".env.example"):
            put("codeception", data)
        if name == "Database.php" or name == "database.php":
            put("codeigniter", data)
        if name == "params.php":
            put("codeception", data)
        if "/app/config/" in "/" + rel and name.endswith((".yml", ".yml.dist")):
            put("symfony_kernel", data)
        if "/config/" in "/" + rel and name.endswith(".php") and ("require" in data.decode("utf-8", "replace") or name in ("db.php", "test_db.php", "test.php", "main-local.php", "test-local.php")):
            put("yii2", data)
        if name.startswith(("settings.", ".secrets.")) or b"Dynaconf" in data:
            put("dynaconf", data)
        if name in ("wp-tests-config.php", "wp-config.php", "bootstrap.php") or (name.endswith(".suite.yml") and b"WPLoader" in data):
            put("wordpress", data)
        if "/config/" in "/" + rel and name.startswith("app") and name.endswith(".php"):
            put("cakephp", data)
        if name.endswith(".sh") or (name.endswith((".ts", ".js")) and b"exec" in data):
            put("node_shell", data)
        k = kind(rel)
        if k:
            if k in PICK:
                name = rel.rsplit("/", 1)[-1]
                idx = PICK[k].index(name) if name in PICK[k] else 0
                put(k, bytes([idx]) + data)
            else:
                put(k, data)
            n += 1
        if rel.endswith("package.json"):
            try:
                for cmd in (json.loads(data).get("scripts") or {}).values():
                    if isinstance(cmd, str):
                        put("node_scripts", cmd.encode())
            except (ValueError, AttributeError):
                pass
        ln = lint_name(rel)
        if ln:
            put("lint", bytes([PICK["lint"].index(ln)]) + data)
        for url in re.findall(rb"[A-Za-z0-9+.-]+://[^\s\"'<>]+", data):
            put("database_url", url)
    for cmd in ["vendor/bin/phpunit -c phpunit.ci.xml", "php artisan test --parallel", "npx --yes jest",
                "env -i DATABASE_URL=x uv run --frozen pytest --ds=a.b", "python3 -W error -m pytest",
                "pnpm exec vitest", "yarn run test:e2e", "composer run-script test", "npm exec -- jest",
                "bundle exec rspec", "./gradlew :app:test", "python manage.py test --settings x"]:
        put("run_command", cmd.replace(" ", "\0").encode())
    seed_git_indexes()
    print(f"seeded fuzz/corpus from {n} fixture files", file=sys.stderr)
    return 0


def seed_git_indexes() -> None:
    """Real index files, as git writes them in formats 2, 3 and 4."""
    import subprocess
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        repo = Path(d)
        git = ["git", "-c", "user.name=seed", "-c", "user.email=seed@example.invalid"]
        subprocess.run([*git, "init", "-q"], cwd=repo, check=True)
        for rel in ["phpunit.xml", ".env.test", "apps/web/package.json", "a/b/c/config/database.yml",
                    "x" * 200 + "/.env.testing", "src/test/resources/application.yml"]:
            (repo / rel).parent.mkdir(parents=True, exist_ok=True)
            (repo / rel).write_text("x\n")
        subprocess.run([*git, "add", "-A"], cwd=repo, check=True)
        put("git_index", (repo / ".git" / "index").read_bytes())
        (repo / "pytest.ini").write_text("[pytest]\n")
        subprocess.run([*git, "add", "-N", "pytest.ini"], cwd=repo, check=True)
        for version in ("3", "4"):
            subprocess.run([*git, "update-index", "--index-version", version], cwd=repo, check=True)
            put("git_index", (repo / ".git" / "index").read_bytes())


if __name__ == "__main__":
    sys.exit(main())
