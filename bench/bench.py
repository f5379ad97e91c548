#!/usr/bin/env python3
"""Whole-process benchmark of testguard against git's own listing of the tree.

    python3 bench/bench.py                     # generate a 100,000-file monorepo, time it
    python3 bench/bench.py --repo PATH         # time a real repository you fetched
    python3 bench/bench.py --files 10000 --pairs 3   # a quick run
    python3 bench/bench.py --real DIR          # the large public repositories of
                                               # bench/real-repositories.tsv, cloned
                                               # at their commits in DIR/<owner>+<name>

The generated monorepo has FILES committed files in about FILES/10 folders, a
few hundred configuration files of every kind testguard reads spread over
packages (a few of them wrong on purpose), and a git-ignored `node_modules` of
20,000 files holding configuration files that must never be reported.

Pairs are timed alternately in the same run (A B, then B A, ...), so a change in
the machine's load hits both sides alike:

    testguard lint           vs  git ls-files -co --exclude-standard   (a gitignore-aware walk)
    testguard lint --no-cache  vs  git ls-files -co --exclude-standard (cold; no bar on a real repository)
    testguard lint --staged  vs  git ls-files                          (an index read)
    testguard lint --staged --no-cache  vs  git ls-files   (cold: nothing replayed; no bar on a real repository)
    testguard run -- true    vs  testguard lint --no-cache             (run's start-up is a cold lint's)

It prints the median of each command, the ratio per pair, and peak RSS as
`/usr/bin/time -v` reports it (getrusage of the child when that tool is
missing). It always exits 1 when the report is wrong (an error missing or extra, a file
from an ignored folder); with `--check` also when the figures miss issue 7's
bar (lint <= 1.0x, lint --staged <= 2.0x, run <= 1.0x of lint, peak RSS < 64 MiB).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# --- the generated monorepo -------------------------------------------------

GOOD_ENV_TEST = "APP_ENV=test\nDATABASE_URL=postgres://app:app@localhost:5432/{name}_test\n"
BAD_ENV_TEST = "APP_ENV=test\nDATABASE_URL=postgres://app:app@localhost:5432/{name}\n"
DEV_ENV = "APP_ENV=dev\nDATABASE_URL=postgres://app:app@localhost:5432/{name}\n"
GEMFILE = (
    'source "https://rubygems.org"\n\ngem "rails", "~> 7.1"\ngem "pg"\n\n'
    'group :development, :test do\n  gem "dotenv-rails"\n  gem "rspec-rails"\nend\n'
)
DATABASE_YML = (
    "default: &default\n  adapter: postgresql\n  pool: <%= ENV.fetch('RAILS_MAX_THREADS') {{ 5 }} %>\n\n"
    "development:\n  <<: *default\n  database: {name}_development\n\n"
    "test:\n  <<: *default\n  database: {name}_test<%= ENV['TEST_ENV_NUMBER'] %>\n"
)
RAILS_HELPER = "require 'spec_helper'\nENV['RAILS_ENV'] ||= 'test'\nrequire_relative '../config/environment'\n"
RAILS_COMPOSE = (
    "services:\n  db:\n    image: postgres:16\n  specs:\n    build: .\n"
    "    command: bundle exec rspec\n    environment:\n      RAILS_ENV: test\n"
)
RUNTIME_EXS = (
    'import Config\n\nif config_env() == :prod do\n  config :app, App.Repo,\n'
    '    url: System.fetch_env!("DATABASE_URL"),\n    pool_size: 10\nend\n'
)
PYTEST_INI = "[pytest]\naddopts = -q\nenv =\n    DJANGO_SETTINGS_MODULE=config.settings.test\n"
PYPROJECT = (
    '[project]\nname = "{name}"\nversion = "0.1.0"\ndependencies = ["django>=5"]\n\n'
    '[tool.pytest.ini_options]\nDJANGO_SETTINGS_MODULE = "config.settings.test"\n'
    'addopts = "-q"\ntestpaths = ["tests"]\n'
)
TOX_INI = "[tox]\nenv_list = py312\n\n[testenv]\nsetenv =\n    DATABASE_URL=sqlite:///:memory:\ncommands = pytest\n"
SETUP_CFG = "[metadata]\nname = {name}\n\n[tool:pytest]\naddopts = -q\n"
PHPUNIT = """<?xml version="1.0" encoding="UTF-8"?>
<phpunit bootstrap="vendor/autoload.php" colors="true">
    <testsuites>
        <testsuite name="Unit"><directory>tests/Unit</directory></testsuite>
    </testsuites>
    <php>
        <env name="APP_ENV" value="testing" force="true"/>
        <env name="DB_CONNECTION" value="sqlite" force="true"/>
        <env name="DB_DATABASE" value=":memory:" force="true"/>
    </php>
</phpunit>
"""
COMPOSER = '{{"name": "acme/{name}", "require": {{"laravel/framework": "^11.0"}}}}\n'
PACKAGE = (
    '{{"name": "{name}", "scripts": {{"test": "dotenv -e .env.test -- jest --runInBand", '
    '"test:e2e": "cross-env NODE_ENV=test DATABASE_URL=postgres://localhost/{name}_e2e_test vitest run", '
    '"pretest": "prisma migrate deploy"}}, '
    '"dependencies": {{"@prisma/client": "^5", "pg": "^8"}}, '
    '"devDependencies": {{"jest": "^29", "vitest": "^2", "dotenv-cli": "^7"}}}}\n'
)
JEST_CONFIG = "module.exports = {\n  testEnvironment: 'node',\n  setupFiles: ['<rootDir>/test/setup.js'],\n};\n"
JEST_SETUP = "require('dotenv').config({ path: '.env.test' });\n"
VITEST_CONFIG = """import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: { env: { DATABASE_URL: 'postgres://localhost:5432/app_test' } },
});
"""
WORKFLOW = """name: {name}
on: [push, pull_request]
jobs:
  test:
    runs-on: ubuntu-latest
    services:
      postgres:
        image: postgres:16
        env:
          POSTGRES_PASSWORD: postgres
        ports: ["5432:5432"]
    env:
      DATABASE_URL: postgres://postgres:postgres@localhost:5432/{name}_test
    steps:
      - uses: actions/checkout@v4
      - run: pip install -r requirements.txt
      - run: pytest
"""
GITLAB_JOB = """
test-{name}:
  stage: test
  image: python:3.12
  services: [postgres:16]
  variables:
    POSTGRES_DB: {name}_test
    DATABASE_URL: postgres://runner:runner@postgres:5432/{name}_test
  script:
    - pip install -r requirements.txt
    - pytest {name}
"""

# code the Django, pytest and Laravel stacks read (SPEC §3a): a settings
# package with a star-imported base, a conftest, a README, config/database.php
DJANGO_BASE = """import os

DEBUG = False
DATABASES = {{
    "default": {{
        "ENGINE": "django.db.backends.postgresql",
        "NAME": os.environ.get("DB_NAME", "{name}"),
        "HOST": "localhost",
    }}
}}
"""
DJANGO_TEST = """from .base import *  # noqa: F403

DATABASES["default"]["TEST"] = {{"NAME": "{name}_test"}}
"""
CONFTEST = """import os

import pytest


@pytest.fixture(autouse=True)
def environment(monkeypatch):
    monkeypatch.setenv("DJANGO_SETTINGS_MODULE", "config.settings.test")
"""
README = """# {name}

```bash
export DJANGO_SETTINGS_MODULE=config.settings.test
pytest
```
"""
DATABASE_PHP = """<?php

return [
    'default' => env('DB_CONNECTION', 'mysql'),
    'connections' => [
        'sqlite' => ['driver' => 'sqlite', 'url' => env('DB_URL'), 'database' => env('DB_DATABASE', database_path('database.sqlite'))],
        'mysql' => ['driver' => 'mysql', 'url' => env('DB_URL'), 'database' => env('DB_DATABASE', 'forge')],
        'testing' => ['driver' => 'sqlite', 'database' => ':memory:'],
    ],
];
"""

# configuration files placed in a package, by the package's number modulo this
KINDS = [
    ("python", ["pytest.ini", "manage.py", "requirements.txt", "config/settings/__init__.py",
                "config/settings/base.py", "config/settings/test.py", "tests/conftest.py"]),
    ("pyproject", ["pyproject.toml", "manage.py", "config/settings/base.py",
                   "config/settings/test.py", "README.md"]),
    ("tox", ["tox.ini", "setup.cfg"]),
    ("node", ["package.json", ".env", ".env.test", "jest.config.js", "test/setup.js",
              "vitest.config.ts", "prisma/schema.prisma"]),
    ("php", ["composer.json", "phpunit.xml.dist", "artisan", ".env", ".env.testing",
             "config/database.php"]),
    ("rails", ["Gemfile", "config/database.yml", ".env", ".env.test", "spec/rails_helper.rb",
               "spec/support/database_cleaner.rb", "docker-compose.yml"]),
    ("elixir", ["mix.exs", "config/config.exs", "config/dev.exs", "config/test.exs",
                "config/runtime.exs", "devenv.nix", ".envrc"]),
    ("spring", ["build.gradle", "src/main/resources/application.yml",
                "src/main/resources/application-dev.yml", "src/test/resources/application.yml",
                "src/test/java/app/AppTests.java"]),
    ("dotnet", ["src/Web/Web.csproj", "src/Web/appsettings.json",
                "src/Web/appsettings.Development.json", "src/Web/appsettings.Testing.json",
                "tests/Web.Tests/Web.Tests.csproj", "tests/Web.Tests/WebFactory.cs"]),
    ("go", ["go.mod", "app.env", "test.env", "Makefile", "db/main_test.go"]),
    ("plain", []),
]


def config_text(fname: str, name: str, bad: bool) -> str:
    return {
        "pytest.ini": PYTEST_INI,
        "pyproject.toml": PYPROJECT.format(name=name),
        "requirements.txt": "django>=5\npytest-django\n",
        "manage.py": "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'config.settings')\n",
        "tox.ini": TOX_INI,
        "setup.cfg": SETUP_CFG.format(name=name),
        "package.json": PACKAGE.format(name=name),
        ".env": DEV_ENV.format(name=name),
        ".env.test": (BAD_ENV_TEST if bad else GOOD_ENV_TEST).format(name=name),
        # Laravel 11 reads `DB_URL` (its config/database.php above), not DATABASE_URL
        ".env.testing": (BAD_ENV_TEST if bad else GOOD_ENV_TEST)
        .replace("DATABASE_URL", "DB_URL")
        .format(name=name),
        "jest.config.js": JEST_CONFIG,
        "test/setup.js": JEST_SETUP,
        "vitest.config.ts": VITEST_CONFIG,
        "prisma/schema.prisma": 'datasource db {\n  provider = "postgresql"\n  url = env("DATABASE_URL")\n}\n',
        "composer.json": COMPOSER.format(name=name),
        "phpunit.xml.dist": PHPUNIT,
        "artisan": "#!/usr/bin/env php\n<?php\n",
        "config/settings/__init__.py": "from .base import *  # noqa\n",
        "config/settings/base.py": DJANGO_BASE.format(name=name),
        "config/settings/test.py": DJANGO_TEST.format(name=name),
        "tests/conftest.py": CONFTEST,
        "README.md": README.format(name=name),
        "config/database.php": DATABASE_PHP,
        "Gemfile": GEMFILE,
        "config/database.yml": DATABASE_YML.format(name=name),
        "spec/rails_helper.rb": RAILS_HELPER,
        "spec/support/database_cleaner.rb": "RSpec.configure do |c|\n  c.before(:suite) { DatabaseCleaner.clean_with(:truncation) }\nend\n",
        "docker-compose.yml": RAILS_COMPOSE,
        "mix.exs": f"defmodule {name.capitalize()}.MixProject do\n  use Mix.Project\nend\n",
        "config/config.exs": 'import Config\n\nconfig :app, ecto_repos: [App.Repo]\n\nimport_config "#{config_env()}.exs"\n',
        "config/dev.exs": 'import Config\n\nconfig :app, App.Repo,\n  url: System.get_env("DATABASE_URL", "ecto://localhost/app_dev")\n',
        "config/test.exs": 'import Config\n\nconfig :app, App.Repo,\n  database: "app_test#{System.get_env("MIX_TEST_PARTITION")}",\n  pool: Ecto.Adapters.SQL.Sandbox\n',
        "config/runtime.exs": RUNTIME_EXS,
        "devenv.nix": '{ pkgs, ... }:\n{\n  env.DATABASE_URL = "ecto://localhost/app_dev";\n  services.postgres.enable = true;\n}\n',
        ".envrc": "use devenv\n",
        "build.gradle": "dependencies { testImplementation 'org.springframework.boot:spring-boot-starter-test' }\n",
        "src/main/resources/application.yml": "spring:\n  profiles:\n    active: dev\n",
        "src/main/resources/application-dev.yml": f"spring:\n  datasource:\n    url: jdbc:postgresql://localhost:5432/{name}\n",
        "src/test/resources/application.yml": "spring:\n  datasource:\n    url: jdbc:h2:mem:test\n",
        "src/test/java/app/AppTests.java": "package app;\n\n@org.springframework.boot.test.context.SpringBootTest\nclass AppTests {\n    @org.junit.jupiter.api.Test\n    void contextLoads() {}\n}\n",
        "src/Web/Web.csproj": '<Project Sdk="Microsoft.NET.Sdk.Web" />\n',
        "src/Web/appsettings.json": '{\n  // production reads its own\n  "ConnectionStrings": { "Default": "" },\n}\n',
        "src/Web/appsettings.Development.json": f'{{ "ConnectionStrings": {{ "Default": "Server=localhost;Database={name};" }} }}\n',
        "src/Web/appsettings.Testing.json": f'{{ "ConnectionStrings": {{ "Default": "Server=localhost;Database={name}_test;" }} }}\n',
        "tests/Web.Tests/Web.Tests.csproj": '<Project Sdk="Microsoft.NET.Sdk">\n  <ItemGroup><PackageReference Include="Microsoft.AspNetCore.Mvc.Testing" Version="8.0.0" /></ItemGroup>\n  <ItemGroup><ProjectReference Include="..\\..\\src\\Web\\Web.csproj" /></ItemGroup>\n</Project>\n',
        "tests/Web.Tests/WebFactory.cs": "public class WebFactory : WebApplicationFactory<Program>\n{\n    protected override void ConfigureWebHost(IWebHostBuilder b) => b.UseEnvironment(\"Testing\");\n}\n",
        "go.mod": f"module example.com/{name}\n",
        "app.env": f"DB_SOURCE=postgresql://root@localhost:5432/{name}?sslmode=disable\n",
        "test.env": f"DB_SOURCE=postgresql://root@localhost:5432/{name}_test?sslmode=disable\n",
        "Makefile": "test:\n\tgo test ./...\n",
        "db/main_test.go": "package db\n\nfunc TestMain(m *testing.M) {\n\t_ = godotenv.Load(\"../test.env\")\n\tpool, _ := pgxpool.New(context.Background(), os.Getenv(\"DB_SOURCE\"))\n\ttestStore = NewStore(pool)\n\tos.Exit(m.Run())\n}\n",
    }[fname]


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def generate(dest: Path, files: int, packages: int, ignored: int) -> dict:
    """Writes the monorepo and commits it; returns what the run must find."""
    dest.mkdir(parents=True, exist_ok=True)
    folders = max(1, files // 10)
    per_pkg = max(1, folders // packages)
    written = 0
    configs = 0
    bad_files = []
    gitlab = ["stages: [test]\n"]
    for p in range(packages):
        name = f"pkg{p:04d}"
        base = dest / "packages" / name
        kind, names = KINDS[p % len(KINDS)]
        # every tenth package of each kind has its test dotenv on the dev database
        bad = (p // len(KINDS)) % 10 == 1
        for fname in names:
            write(base / fname, config_text(fname, name, bad))
            written += 1
            configs += 1
            if bad and fname.startswith(".env.test"):
                bad_files.append(f"packages/{name}/{fname}")
        if kind == "python" and p % 20 == 0:
            gitlab.append(GITLAB_JOB.format(name=name))
        # source folders: about ten files each
        for d in range(per_pkg):
            folder = base / "src" / f"mod{d:03d}"
            folder.mkdir(parents=True, exist_ok=True)
            for f in range(10):
                if written >= files:
                    break
                (folder / f"file{f}.py").write_text(f"VALUE = {p * 1000 + d * 10 + f}\n")
                written += 1
    # top up to exactly `files` committed files (packages may be uneven)
    extra = 0
    while written < files:
        folder = dest / "misc" / f"d{extra // 10:05d}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"f{extra % 10}.txt").write_text("x\n")
        written += 1
        extra += 1
    for w in range(8):
        write(dest / ".github" / "workflows" / f"ci{w}.yml", WORKFLOW.format(name=f"app{w}"))
        configs += 1
    write(dest / ".gitlab-ci.yml", "".join(gitlab))
    configs += 1
    write(dest / ".gitignore", "node_modules/\n/build/\n")
    # dependencies: config files a walk must never report
    nm = dest / "node_modules"
    bad_in_deps = ["pytest.ini", ".env.test", "phpunit.xml", "package.json", "tox.ini"]
    made = 0
    pkg = 0
    while made < ignored:
        base = nm / f"dep{pkg:04d}"
        for fname in bad_in_deps:
            if made >= ignored:
                break
            text = BAD_ENV_TEST.format(name="dep") if fname == ".env.test" else "[pytest]\n"
            write(base / fname, text)
            made += 1
        for f in range(15):
            if made >= ignored:
                break
            write(base / "lib" / f"m{f}.js", "module.exports = 1;\n")
            made += 1
        pkg += 1
    write(dest / "build" / ".env.test", BAD_ENV_TEST.format(name="build"))
    git(dest, "init", "-q")
    git(dest, "add", "-A")
    git(dest, "commit", "-q", "-m", "monorepo")
    return {"bad_files": sorted(bad_files), "configs": configs}


def git(cwd: Path, *args: str) -> str:
    env = dict(os.environ)
    env.update(
        GIT_AUTHOR_NAME="bench",
        GIT_AUTHOR_EMAIL="bench@example.com",
        GIT_COMMITTER_NAME="bench",
        GIT_COMMITTER_EMAIL="bench@example.com",
        GIT_CONFIG_NOSYSTEM="1",
        GIT_CONFIG_GLOBAL=os.devnull,
    )
    out = subprocess.run(
        ["git", *args], cwd=cwd, env=env, check=True, capture_output=True, text=True
    )
    return out.stdout


# --- timing ---------------------------------------------------------------


def run_once(cmd: list[str], cwd: Path) -> tuple[float, int, int]:
    """Wall seconds, peak RSS in KiB (getrusage of the child) and exit code."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    return elapsed, usage.ru_maxrss, proc.returncode


def peak_rss_kib(cmd: list[str], cwd: Path) -> tuple[int, str]:
    """Peak RSS as `/usr/bin/time -v` prints it, and which tool measured it."""
    if Path("/usr/bin/time").exists():
        out = subprocess.run(
            ["/usr/bin/time", "-v", *cmd], cwd=cwd, stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE, text=True,
        )
        for line in out.stderr.splitlines():
            if "Maximum resident set size" in line:
                return int(line.rsplit(":", 1)[1]), "/usr/bin/time -v"
    return run_once(cmd, cwd)[1], "getrusage"


def time_pairs(a: list[str], b: list[str], cwd: Path, pairs: int, ok_codes=(0, 1)):
    for _ in range(2):  # warm the page cache and the binary for both sides
        run_once(a, cwd)
        run_once(b, cwd)
    ta, tb = [], []
    for i in range(pairs):
        order = [(a, ta), (b, tb)] if i % 2 == 0 else [(b, tb), (a, ta)]
        for cmd, into in order:
            secs, _, code = run_once(cmd, cwd)
            if code not in ok_codes:
                sys.exit(f"bench: {' '.join(cmd)} exited {code}")
            into.append(secs)
    return ta, tb


def fmt_ms(s: float) -> str:
    return f"{s * 1000:.1f} ms"


def span(xs: list[float]) -> str:
    return f"{min(xs) * 1000:.1f}-{max(xs) * 1000:.1f}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repo", type=Path, help="time this repository instead of generating one")
    ap.add_argument("--real", type=Path, metavar="DIR",
                    help="time each repository of bench/real-repositories.tsv, checked out at its "
                         "commit in DIR/<owner>+<name> (lint <= 1.0x of git ls-files -co with --check)")
    ap.add_argument("--files", type=int, default=100_000, help="committed files to generate")
    ap.add_argument("--packages", type=int, default=300, help="packages holding config files")
    ap.add_argument("--ignored", type=int, default=20_000, help="files in the ignored node_modules")
    ap.add_argument("--pairs", type=int, default=15, help="alternating pairs per comparison")
    ap.add_argument("--keep", type=Path, help="generate into this folder and keep it (reused if it exists)")
    ap.add_argument("--testguard", type=Path, default=ROOT / "target" / "release" / "testguard")
    ap.add_argument("--no-build", action="store_true", help="do not run cargo build --release")
    ap.add_argument("--check", action="store_true", help="exit 1 unless issue 7's bar is met")
    args = ap.parse_args()
    sys.stdout.reconfigure(line_buffering=True)

    if not args.no_build:
        subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    tg = str(args.testguard.resolve())
    tmp = None
    expect = None
    if args.real:
        return measure_real(args.real.resolve(), tg, args)
    if args.repo:
        repo = args.repo.resolve()
    elif args.keep and (args.keep / ".git").exists():
        repo = args.keep.resolve()
        expect = json.loads((repo / ".git" / "bench-expect.json").read_text())
    else:
        if args.keep:
            repo = args.keep.resolve()
        else:
            tmp = tempfile.mkdtemp(prefix="testguard-bench-")
            repo = Path(tmp) / "monorepo"
        t0 = time.perf_counter()
        expect = generate(repo, args.files, args.packages, args.ignored)
        (repo / ".git" / "bench-expect.json").write_text(json.dumps(expect))
        os.sync()  # the generator's writes must not be flushed during the timing
        print(f"generated {repo} in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    try:
        return measure(repo, tg, args, expect)
    finally:
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)


def measure(repo: Path, tg: str, args, expect) -> int:
    is_git = (repo / ".git").exists()
    tracked = len(git(repo, "ls-files").splitlines()) if is_git else 0
    listed = len(git(repo, "ls-files", "-co", "--exclude-standard").splitlines()) if is_git else 0
    wrong = []  # what was reported: always fatal
    slow = []  # the performance bar: fatal with --check

    # what the run reports: the seeded findings, and nothing from ignored folders
    for label, cmd in [("lint", [tg, "lint", "--format", "json"]),
                       ("lint --staged", [tg, "lint", "--staged", "--format", "json"])]:
        if label.endswith("--staged") and not is_git:
            continue
        out = subprocess.run(cmd, cwd=repo, capture_output=True, text=True)
        if out.returncode not in (0, 1):
            sys.exit(f"bench: {' '.join(cmd)} exited {out.returncode}: {out.stderr}")
        report = json.loads(out.stdout)
        if label.endswith("--staged"):
            # the second run replays the first's stored result: it must be
            # the same report
            again = subprocess.run(cmd, cwd=repo, capture_output=True, text=True)
            if (again.returncode, again.stdout) != (out.returncode, out.stdout):
                wrong.append(f"{label}: a second run reported something else")
        paths = sorted({d["path"] for d in report["diagnostics"]})
        in_ignored = [p for p in paths if p.startswith(("node_modules/", "build/")) or "/node_modules/" in p]
        if in_ignored:
            wrong.append(f"{label} reported ignored files: {in_ignored[:5]}")
        if expect is not None:
            errors = sorted({d["path"] for d in report["diagnostics"] if d["severity"] == "error"})
            if errors != expect["bad_files"]:
                wrong.append(f"{label} errors on {errors}, expected {expect['bad_files']}")
        if wrong:
            print(f"bench: FAILED: {wrong[-1]}", file=sys.stderr)
            return 1
        print(f"{label}: {report['summary']['files_scanned']} config files read, "
              f"{len(report['diagnostics'])} findings on {len(paths)} files, none in ignored folders"
              + ("" if not in_ignored else " -- FAILED"), file=sys.stderr)

    # as it is run again and again (the last result replayed while nothing
    # it read changed), and cold (every file read and parsed): both held to
    # the bar on the generated monorepo, the cold one shown without a bar on
    # a real repository
    subprocess.run([tg, "lint"], cwd=repo, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    comparisons = [("testguard lint", [tg, "lint"], "git ls-files -co --exclude-standard",
                    ["git", "ls-files", "-co", "--exclude-standard"], 1.0),
                   ("testguard lint --no-cache", [tg, "lint", "--no-cache"], "git ls-files -co --exclude-standard",
                    ["git", "ls-files", "-co", "--exclude-standard"], None if args.repo else 1.0)]
    # `testguard run` resolves the same repository before it becomes the
    # command (here `true`): its start-up is a lint's (SPEC §1a), so it is
    # timed against `testguard lint` itself; 125 is a refused run (the
    # monorepo's seeded errors apply to a PHPUnit run at its root)
    # (a cold lint: `run` resolves the caller's environment too, so it
    # never replays a stored result)
    run_vs_lint = ("testguard run --runner phpunit -- true", [tg, "run", "--runner", "phpunit", "--", "true"],
                   "testguard lint --no-cache", [tg, "lint", "--no-cache"], 1.0)
    if is_git:
        # as a hook runs it (the last result replayed while nothing it read
        # changed), and cold: every file read and parsed, as after a staged
        # change to a configuration file: held to the same bar on the
        # generated monorepo, shown without one on a real repository
        comparisons.append(("testguard lint --staged", [tg, "lint", "--staged"], "git ls-files",
                            ["git", "ls-files"], 2.0))
        comparisons.append(("testguard lint --staged --no-cache", [tg, "lint", "--staged", "--no-cache"],
                            "git ls-files", ["git", "ls-files"], None if args.repo else 2.0))
    cores = os.cpu_count()
    print(f"\nrepository: {repo if args.repo else 'generated monorepo'}; "
          f"{tracked} tracked files, {listed} listed by ls-files -co; {cores} cores; "
          f"{args.pairs} alternating pairs\n")
    print("| testguard | median (min-max) | baseline | median (min-max) | ratio | bar | testguard peak RSS |")
    print("|---|---|---|---|---|---|---|")
    tool = ""
    for name_a, a, name_b, b, bar in comparisons + [run_vs_lint]:
        ta, tb = time_pairs(a, b, repo, args.pairs, ok_codes=(0, 1, 125))
        ma, mb = statistics.median(ta), statistics.median(tb)
        ratio = ma / mb
        rss, tool = peak_rss_kib(a, repo)
        shown_bar = "-" if bar is None else f"<= {bar:.1f}x"
        print(f"| `{name_a}` | {fmt_ms(ma)} ({span(ta)}) | `{name_b}` | {fmt_ms(mb)} ({span(tb)}) | {ratio:.2f}x | "
              f"{shown_bar} | {rss / 1024:.1f} MiB |")
        if bar is not None and ratio > bar:
            slow.append(f"{name_a}: {ratio:.2f}x of {name_b}, over {bar:.1f}x")
        if rss > 64 * 1024:
            slow.append(f"{name_a}: peak RSS {rss / 1024:.1f} MiB, over 64 MiB")
    print(f"\n(peak RSS measured with {tool})")
    for f in wrong:
        print(f"bench: FAILED: {f}", file=sys.stderr)
    for f in slow:
        if args.check:
            print(f"bench: FAILED: {f}", file=sys.stderr)
        else:
            print(f"bench: over the bar (only --check fails on it): {f}", file=sys.stderr)
    return 1 if wrong or (slow and args.check) else 0


def measure_real(folder: Path, tg: str, args) -> int:
    """lint against git's listing on the large public repositories of
    bench/real-repositories.tsv, one table row each."""
    rows = []
    for line in (ROOT / "bench" / "real-repositories.tsv").read_text().splitlines()[1:]:
        name, commit, _files, _why = line.split("\t")
        repo = folder / name.replace("/", "+")
        if not (repo / ".git").exists():
            sys.exit(f"bench: {repo} is missing: git clone https://github.com/{name} {repo} "
                     f"&& git -C {repo} checkout {commit}")
        head = git(repo, "rev-parse", "HEAD").strip()
        if head != commit:
            sys.exit(f"bench: {repo} is at {head}, not {commit}")
        rows.append((name, repo))
    print(f"\n{os.cpu_count()} cores; {args.pairs} alternating pairs\n")
    # `lint` as it is run again and again (its last result replayed while the
    # walk finds the same candidates and every file read keeps its stat
    # data), held to the bar; and cold (`--no-cache`: every file read and
    # parsed, as on a first run or after an edit), shown beside it
    print("| repository | files | lint | `testguard lint` median (min-max) | `git ls-files -co --exclude-standard` "
          "median (min-max) | ratio | bar | testguard peak RSS |")
    print("|---|---|---|---|---|---|---|---|")
    slow = []
    for name, repo in rows:
        listed = len(git(repo, "ls-files", "-co", "--exclude-standard").splitlines())
        b = ["git", "ls-files", "-co", "--exclude-standard"]
        # one lint first, so that the replayed row replays
        subprocess.run([tg, "lint"], cwd=repo, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for how, a, bar in (("replayed", [tg, "lint"], 1.0), ("cold", [tg, "lint", "--no-cache"], None)):
            ta, tb = time_pairs(a, b, repo, args.pairs, ok_codes=(0, 1))
            ma, mb = statistics.median(ta), statistics.median(tb)
            rss, _ = peak_rss_kib(a, repo)
            shown = "-" if bar is None else f"<= {bar:.1f}x"
            print(f"| {name} | {listed} | {how} | {fmt_ms(ma)} ({span(ta)}) | {fmt_ms(mb)} ({span(tb)}) | "
                  f"{ma / mb:.2f}x | {shown} | {rss / 1024:.1f} MiB |")
            if bar is not None and ma / mb > bar:
                slow.append(f"{name}: lint ({how}) {ma / mb:.2f}x of git ls-files -co, over {bar:.1f}x")
    for f in slow:
        print(f"bench: {'FAILED' if args.check else 'over the bar'}: {f}", file=sys.stderr)
    return 1 if slow and args.check else 0


if __name__ == "__main__":
    sys.exit(main())
