"""Local stand-ins for multi-gitter and turbolift, for the recipes in docs/migrate.md.

Neither tool can be installed here (and both need a forge and a token), so these play their part
with the same conventions, taken from their sources:

- multi-gitter `run`: clones each repository's default branch into a temp folder, creates the
  branch (`git checkout -b`), runs the command (parsed and resolved to an absolute path as
  multi-gitter does) with the clone as working directory and `REPOSITORY=owner/name` (and
  `DRY_RUN=true` with --dry-run) added to the environment; a non-zero exit fails that repository;
  when `git status -s` shows changes it runs `git add .`, `git commit --no-verify -m MESSAGE`,
  pushes the branch and opens a pull request with --pr-title/--pr-body (the same for every
  repository; defaults derived from the commit message as in cmd-run.go).
- turbolift: `init --name N` makes the campaign folder (repos.txt, README.md); `clone` clones each
  `org/repo` of repos.txt into work/org/repo and creates the branch named after the campaign;
  `foreach [--repos F] -- CMD ARGS` runs CMD (no shell) in work/org/repo; `commit --message M`
  runs `git commit -a -m M` where `git status --porcelain` shows changes; `create-prs [--repos F]
  [--description F]` pushes the campaign branch and opens a pull request whose title is the
  description's first line (leading `# ` dropped) and whose body is the rest.

The "forge" is a folder, $FAKE_FORGE: bare repositories at `<owner>/<name>.git`; pushing is a real
`git push` into them, and each pull request is one JSON line appended to `$FAKE_FORGE/pulls.jsonl`.

Run as `python fanout_standins.py multi-gitter ...` or `... turbolift ...`.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile


def forge() -> str:
    return os.environ["FAKE_FORGE"]


def git(*args: str, cwd: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, env=env)


def must(done: subprocess.CompletedProcess) -> str:
    if done.returncode != 0:
        raise SystemExit(f"git failed: {done.args}: {done.stderr.strip()}")
    return done.stdout


def open_pull_request(repository: str, head: str, base: str, title: str, body: str, tool: str) -> None:
    with open(os.path.join(forge(), "pulls.jsonl"), "a", encoding="utf-8") as handle:
        handle.write(json.dumps({"tool": tool, "repository": repository, "head": head, "base": base, "title": title, "body": body}) + "\n")


def default_branch(bare: str) -> str:
    return must(git("symbolic-ref", "--short", "HEAD", cwd=bare)).strip()


# -- multi-gitter --------------------------------------------------------------------------------


def parse_command_line(command: str) -> list[str]:
    """multi-gitter's parseCommandLine (cmd/command.go): quotes group, backslash escapes."""
    args, current, state, quote, escape_next = [], "", "start", '"', True
    for char in command:
        if state == "quotes":
            if char != quote:
                current += char
            else:
                args.append(current)
                current, state = "", "start"
            continue
        if escape_next:
            current += char
            escape_next = False
            continue
        if char == "\\":
            escape_next = True
            continue
        if char in "\"'":
            state, quote = "quotes", char
            continue
        if state == "arg":
            if char in " \t":
                args.append(current)
                current, state = "", "start"
            else:
                current += char
            continue
        if char not in " \t":
            state = "arg"
            current += char
    if state == "quotes":
        raise SystemExit(f"unclosed quote in command line: {command}")
    if current:
        args.append(current)
    return args


def multi_gitter(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="multi-gitter")
    parser.add_argument("verb", choices=["run"])
    parser.add_argument("script")
    parser.add_argument("-O", "--org", action="append", default=[])
    parser.add_argument("-R", "--repo", action="append", default=[])
    parser.add_argument("-B", "--branch", default="multi-gitter-branch")
    parser.add_argument("-m", "--commit-message", default="")
    parser.add_argument("-t", "--pr-title", default="")
    parser.add_argument("-b", "--pr-body", default="")
    parser.add_argument("--author-name", default="")
    parser.add_argument("--author-email", default="")
    parser.add_argument("-d", "--dry-run", action="store_true")
    parser.add_argument("-C", "--concurrent", type=int, default=1)
    options = parser.parse_args(argv)

    message, title, body = options.commit_message, options.pr_title, options.pr_body
    if not message and not title:
        raise SystemExit("pull request title or commit message must be set")
    if not message:
        message = title + ("\n" + body if body else "")
    elif not title:
        title, _, rest = message.partition("\n")
        body = body or rest

    words = parse_command_line(options.script)
    executable = shutil.which(words[0]) if "/" not in words[0] else words[0]
    if not executable or not os.access(executable, os.X_OK):
        raise SystemExit(f"could not find executable {words[0]}")
    executable = os.path.abspath(executable)

    repositories = list(options.repo)
    for org in options.org:
        folder = os.path.join(forge(), org)
        repositories += sorted(f"{org}/{name[:-4]}" for name in os.listdir(folder) if name.endswith(".git"))
    failed = 0
    for repository in repositories:
        outcome = _multi_gitter_one(repository, executable, words[1:], options, message, title, body)
        print(f"{repository}: {outcome}")
        failed += outcome.startswith("error")
    return 1 if failed else 0


def _multi_gitter_one(repository, executable, arguments, options, message, title, body) -> str:
    bare = os.path.join(forge(), repository + ".git")
    base = default_branch(bare)
    with tempfile.TemporaryDirectory(prefix="multi-git-changer-") as clone:
        must(git("clone", bare, "--branch", base, "--single-branch", clone, cwd=forge()))
        must(git("checkout", "-b", options.branch, cwd=clone))
        env = {**os.environ, "REPOSITORY": repository}
        if options.dry_run:
            env["DRY_RUN"] = "true"
        done = subprocess.run([executable, *arguments], cwd=clone, env=env, capture_output=True, text=True)
        sys.stdout.write(done.stdout)
        sys.stderr.write(done.stderr)
        if done.returncode != 0:
            return f"error: the script exited {done.returncode}"
        if not must(git("status", "-s", cwd=clone)):
            return "no changes"
        must(git("add", ".", cwd=clone))
        author = {}
        if options.author_name:
            author = {"GIT_AUTHOR_NAME": options.author_name, "GIT_AUTHOR_EMAIL": options.author_email,
                      "GIT_COMMITTER_NAME": options.author_name, "GIT_COMMITTER_EMAIL": options.author_email}
        must(git("commit", "--no-verify", "-m", message, cwd=clone, env={**os.environ, **author}))
        if options.dry_run:
            return "dry run: committed, not pushed"
        if must(git("ls-remote", "-q", "-h", cwd=clone)).count(f"refs/heads/{options.branch}\n"):
            return "error: the branch already exists"
        must(git("push", "--no-verify", "origin", "HEAD", cwd=clone))
        open_pull_request(repository, options.branch, base, title, body, "multi-gitter")
        return "pull request opened"


# -- turbolift -----------------------------------------------------------------------------------


def _repos(repo_file: str) -> list[str]:
    with open(repo_file, encoding="utf-8") as handle:
        return [line.strip() for line in handle if line.strip() and not line.startswith("#")]


def turbolift(argv: list[str]) -> int:
    if "--" in argv:
        split = argv.index("--")
        argv, command = argv[:split], argv[split + 1 :]
    else:
        command = []
    parser = argparse.ArgumentParser(prog="turbolift")
    parser.add_argument("verb", choices=["init", "clone", "foreach", "commit", "create-prs"])
    parser.add_argument("--name")
    parser.add_argument("--repos", default="repos.txt")
    parser.add_argument("-m", "--message")
    parser.add_argument("--description", default="README.md")
    parser.add_argument("--draft", action="store_true")
    options = parser.parse_args(argv)
    campaign = os.path.basename(os.getcwd())

    if options.verb == "init":
        os.makedirs(options.name)
        with open(os.path.join(options.name, "repos.txt"), "w") as handle:
            handle.write("# Add repos to this file, one per line, in the format org/repo\n")
        with open(os.path.join(options.name, "README.md"), "w") as handle:
            handle.write("# TODO: Title of Pull Request\n\nTODO: This file will serve as both a README and the description of the PR.\n")
        return 0
    status = 0
    for repository in _repos(options.repos):
        work = os.path.join("work", *repository.split("/"))
        if options.verb == "clone":
            must(git("clone", os.path.join(forge(), repository + ".git"), work, cwd="."))
            must(git("checkout", "-b", campaign, cwd=work))
        elif options.verb == "foreach":
            done = subprocess.run(command, cwd=work)
            print(f"{repository}: {'OK' if done.returncode == 0 else f'errored (exit {done.returncode})'}")
        elif options.verb == "commit":
            if not must(git("status", "--porcelain", cwd=work)):
                print(f"{repository}: no changes - skipping commit")
                continue
            must(git("commit", "-a", "-m", options.message, cwd=work))
        elif options.verb == "create-prs":
            with open(options.description, encoding="utf-8") as handle:
                title, _, body = handle.read().partition("\n")
            base = default_branch(os.path.join(forge(), repository + ".git"))
            if not must(git("rev-list", f"origin/{base}..HEAD", cwd=work)).strip():
                print(f"{repository}: no PR created")
                continue
            must(git("push", "origin", campaign, cwd=work))
            open_pull_request(repository, campaign, base, title.lstrip("# "), body.strip("\n"), "turbolift")
    return status


if __name__ == "__main__":
    tool, *rest = sys.argv[1:]
    sys.exit(multi_gitter(rest) if tool == "multi-gitter" else turbolift(rest))
