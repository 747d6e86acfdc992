"""The cache policy "mount" for Go (DO257) and yum/dnf (DO259), DO221 standing down where DO259
mounts, and apk left to `--no-cache` (DO230) under both policies."""

from __future__ import annotations

import pytest

import dockopt
from tests.rule_tables import assert_fixes, assert_leaves_alone, table_tests

GO = "FROM golang:1.23\nWORKDIR /src\n"
GO_FLAGS = "--mount=type=cache,target=/root/.cache/go-build --mount=type=cache,target=/go/pkg/mod"
ROCKY = "FROM rockylinux:9\n"
DNF = "--mount=type=cache,target=/var/cache/dnf,sharing=locked"


def mounted(source: str, code: str, **options) -> str:
    return dockopt.fix(source, select=[code], cache="mount", unsafe_fixes=True, **options).output


GO_FIX = [
    pytest.param("RUN go build -o /app .", f"RUN {GO_FLAGS} go build -o /app .", id="go build"),
    pytest.param("RUN go test ./... && go clean -cache -modcache", f"RUN {GO_FLAGS} go test ./...", id="go clean of the mounted caches goes"),
    pytest.param(
        "RUN go mod download",
        "RUN --mount=type=cache,target=/go/pkg/mod go mod download",
        id="go mod download fills only the module cache",
    ),
    pytest.param(
        "RUN go build -o /app . && go clean -testcache -cache",
        f"RUN {GO_FLAGS} go build -o /app .",
        id="test cache is in the build cache",
    ),
    pytest.param(
        "RUN --mount=type=cache,target=/root/.cache/go-build go build .",
        "RUN --mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build go build .",
        id="only the missing mount is added",
    ),
    pytest.param(
        "ENV XDG_CACHE_HOME=/xdg\nRUN go install ./cmd/tool",
        "ENV XDG_CACHE_HOME=/xdg\nRUN --mount=type=cache,target=/xdg/go-build --mount=type=cache,target=/go/pkg/mod go install ./cmd/tool",
        id="GOCACHE under XDG_CACHE_HOME",
    ),
    pytest.param(
        "RUN go build -o /app .\nCMD [\"go\", \"run\", \".\"]",
        "RUN --mount=type=cache,target=/root/.cache/go-build go build -o /app .\nCMD [\"go\", \"run\", \".\"]",
        id="go run at start needs the modules in the image",
    ),
    pytest.param(
        "RUN go build -o /app .\nUSER 1000\nRUN go vet ./...",
        "RUN --mount=type=cache,target=/root/.cache/go-build go build -o /app .\nUSER 1000\nRUN go vet ./...",
        id="a later go RUN that cannot be mounted needs the modules",
    ),
    pytest.param(
        "RUN go mod download\nCOPY . .\nRUN go build -o /app .",
        "RUN --mount=type=cache,target=/go/pkg/mod go mod download\nCOPY . .\nRUN " + GO_FLAGS + " go build -o /app .",
        id="modules then build: both RUNs share the module mount",
    ),
]


GO_NOOP = [
    pytest.param("USER 1000\nRUN go build .", id="not root"),
    pytest.param("RUN GOCACHE=/tmp/c go build .", id="cache set inside the RUN"),
    pytest.param("ENV GOCACHE=off GOMODCACHE=$HOME/mod\nRUN go build .", id="caches we cannot tell"),
    pytest.param("ENV GOENV=/etc/go.env\nRUN go build .", id="a go.env file of its own"),
    pytest.param(f"RUN {GO_FLAGS} go build .", id="already mounted"),
    pytest.param("RUN go version && go env", id="no build"),
    pytest.param("RUN go build . && (go clean -cache)", id="a cleanup we cannot take out"),
    pytest.param("RUN go mod download\nRUN ls /go/pkg/mod", id="a later step reads the module cache"),
    pytest.param('RUN ["go", "build", "."]', id="exec form"),
    pytest.param('RUN eval "$(gimme 1.22)" && go build .', id="an eval may set GOPATH"),
]


def test_go_defaults_need_a_base_image_we_know():
    source = "FROM example.com/go-builder:1\nRUN go build -o /app .\n"
    assert mounted(source, "DO257") == source
    source = "FROM example.com/go-builder:1\nENV GOPATH=/gopath\nRUN go build -o /app .\n"
    assert "--mount=type=cache,target=/gopath/pkg/mod go build" in mounted(source, "DO257")


def test_go_vet_shares_the_mounts():
    source = GO + "RUN go mod download\nRUN go vet ./...\n"
    assert mounted(source, "DO257").count("--mount=type=cache,target=/go/pkg/mod") == 2


test_go_leaves_alone, test_go_mounts = table_tests("DO257", GO_NOOP, GO_FIX, prefix=GO, suffix="\n", cache="mount")


def test_go_fix_is_unsafe_and_says_what_changes():
    source = GO + "RUN go build -o /app .\n"
    assert dockopt.fix(source, select=["DO257"], cache="mount").output == source
    result = dockopt.fix(source, select=["DO257"], cache="mount", unsafe_fixes=True)
    (fix,) = [f for f in result.fixes if f.code == "DO257"]
    assert "no longer ship in the image" in (fix.reason or "")


def test_go_needs_the_mount_policy():
    source = GO + "RUN go build -o /app .\n"
    assert dockopt.fix(source, unsafe_fixes=True).output.count("--mount") == 0


RPM_FIX = [
    pytest.param(
        ROCKY, "RUN dnf install -y tar && dnf clean all",
        f"RUN {DNF} dnf --setopt=keepcache=True --refresh install -y tar", id="dnf install and clean",
    ),
    pytest.param(
        ROCKY, "RUN yum -y update && yum -y install tar && yum clean all && rm -rf /tmp/x",
        f"RUN {DNF} yum --setopt=keepcache=1 --refresh -y update && yum --setopt=keepcache=1 --refresh -y install tar && rm -rf /tmp/x",
        id="yum is dnf on Rocky",
    ),
    pytest.param(
        "FROM centos:7\n", "RUN yum install -y tar && rm -rf /var/cache/yum/* /tmp/x",
        "RUN --mount=type=cache,target=/var/cache/yum,sharing=locked yum --setopt=keepcache=1 --setopt=metadata_expire=0 install -y tar && rm -rf /tmp/x",
        id="yum 3 on CentOS 7",
    ),
    pytest.param(
        "FROM fedora:41\n", "RUN dnf -y install gcc",
        "RUN --mount=type=cache,target=/var/cache/libdnf5,sharing=locked dnf --setopt=keepcache=True --refresh -y install gcc",
        id="dnf5 on Fedora 41",
    ),
    pytest.param(
        "FROM fedora:39\n", "RUN dnf -y update && dnf -y clean all",
        f"RUN {DNF} dnf --setopt=keepcache=True --refresh -y update", id="a clean with options before it goes too",
    ),
    pytest.param(
        "FROM redhat/ubi9\n", "RUN dnf module enable -y nodejs:20 && dnf install -y nodejs",
        f"RUN {DNF} dnf --setopt=keepcache=True --refresh module enable -y nodejs:20 && dnf --setopt=keepcache=True --refresh install -y nodejs",
        id="dnf module on UBI 9",
    ),
]


@pytest.mark.parametrize("base, body, expected", RPM_FIX)
def test_rpm_mounts(base, body, expected):
    once = assert_fixes("DO259", base + body + "\n", base + expected + "\n", cache="mount", unsafe_fixes=False).output
    assert dockopt.fix(once, select=["DO259", "DO221"], cache="mount").output == once  # the dnf clean pass agrees


RPM_NOOP = [
    pytest.param(ROCKY + "USER 1001\nRUN dnf install -y tar", id="not root"),
    pytest.param("FROM example.com/base:1\nRUN dnf install -y tar", id="a base whose dnf we cannot tell"),
    pytest.param("FROM centos:7\nRUN dnf install -y tar", id="dnf on a yum 3 image"),
    pytest.param("FROM registry.access.redhat.com/ubi9/ubi-minimal\nRUN microdnf install -y tar", id="microdnf"),
    pytest.param(ROCKY + "RUN dnf install -y tar && zypper refresh", id="another tool in the RUN"),
    pytest.param(ROCKY + "RUN dnf --installroot=/sysroot install -y tar", id="installroot"),
    pytest.param(ROCKY + "RUN dnf --setopt=keepcache=0 install -y tar", id="keepcache chosen"),
    pytest.param(ROCKY + "RUN echo keepcache=1 >> /etc/dnf/dnf.conf && dnf install -y tar", id="settings changed"),
    pytest.param(ROCKY + "RUN dnf makecache\nRUN dnf -C install -y tar", id="a later install reads the image's cache"),
    pytest.param(ROCKY + f"RUN {DNF} dnf install -y tar", id="already mounted"),
    pytest.param(ROCKY + "RUN dnf --setopt=metadata_expire=never install -y tar", id="metadata expiry chosen"),
    pytest.param(ROCKY + "RUN dnf install -y tar; dnf clean all", id="a cleanup we cannot take out"),
    pytest.param(ROCKY + "RUN dnf remove -y tar", id="nothing downloaded"),
]


@pytest.mark.parametrize("source", RPM_NOOP)
def test_rpm_leaves_alone(source):
    assert_leaves_alone("DO259", source + "\n", cache="mount", unsafe_fixes=False)


def test_rpm_clean_stands_down_where_the_mount_takes_over():
    source = ROCKY + "RUN dnf install -y tar\n"
    assert "dnf clean all" in dockopt.fix(source, select=["DO221"], cache="clean").output
    assert dockopt.fix(source, select=["DO221"], cache="mount").output == source
    assert dockopt.fix(source, cache="mount").output.count("dnf clean all") == 0


def test_rpm_clean_still_cleans_where_no_mount_can():
    for source in (ROCKY + "USER 1001\nRUN dnf install -y tar\n", "FROM example.com/base:1\nRUN dnf install -y tar\n"):
        assert "dnf clean all" in dockopt.fix(source, select=["DO221"], cache="mount").output


def test_apk_keeps_no_cache_under_the_mount_policy():
    source = "FROM alpine:3.20\nRUN apk add curl\n"
    output = dockopt.fix(source, cache="mount", unsafe_fixes=True).output
    assert "apk add --no-cache curl" in output and "--mount" not in output


@pytest.mark.parametrize("source, code", [
    pytest.param(GO + "RUN go build -o /app .\n", "DO257", id="go"),
    pytest.param(ROCKY + "RUN dnf install -y tar && dnf clean all\n", "DO259", id="dnf"),
])
def test_mount_passes_do_nothing_under_the_clean_policy(source, code):
    assert_leaves_alone(code, source)
