"""DO274: no-op and fix tables (transforms/env_same_instruction_reference.py)."""

from __future__ import annotations

import pytest

import dockopt
from tests.rule_tables import assert_fixes, assert_leaves_alone

NOOP = [
    pytest.param('FROM debian\nENV A=1 B=2\n', id='no reference'),
    pytest.param('FROM debian\nENV PATH=$PATH:/x X=1\n', id='a reference to its own old value'),
    pytest.param('FROM debian\nENV B=$A A=1\n', id='a reference to a later pair reads the old value on purpose'),
    pytest.param('FROM debian\nENV A 1\n', id='legacy form'),
    pytest.param("FROM debian\nENV A=1 B='$A'\n", id='single quotes do not expand'),
    pytest.param('FROM debian\nENV A=1\nENV B=$A\n', id='already split'),
]

FIX = [
    pytest.param('FROM debian\nENV A=1 B=$A\n', 'FROM debian\nENV A=1\nENV B=$A\n', 'unsafe', id='a new variable'),
    pytest.param('FROM debian\nARG A=1\nENV A=1 B=${A}/x\n', 'FROM debian\nARG A=1\nENV A=1\nENV B=${A}/x\n', 'safe',
                 id='the same value as the ARG'),
    pytest.param('FROM golang:1.22\nENV GOPATH=/go PATH=$GOPATH/bin:$PATH\n', 'FROM golang:1.22\nENV GOPATH=/go\nENV PATH=$GOPATH/bin:$PATH\n',
                 'safe', id='the value the base image sets'),
    pytest.param('FROM debian\nENV A=1 \\\n    B=$A \\\n    C=2\n', 'FROM debian\nENV A=1\nENV B=$A \\\n    C=2\n', 'unsafe',
                 id='continuation lines'),
    pytest.param('from debian\n  env A=1 B="$A x"\n', 'from debian\n  env A=1\n  env B="$A x"\n', 'unsafe', id='keyword case and indent'),
    pytest.param('FROM debian\nARG A=1\nENV A=1 B=$A C=$A\n', 'FROM debian\nARG A=1\nENV A=1\nENV B=$A C=$A\n', 'safe',
                 id='every moved pair keeps its value'),
]


@pytest.mark.parametrize("source", NOOP)
def test_leaves_alone(source):
    assert_leaves_alone("DO274", source)


@pytest.mark.parametrize(("source", "expected", "safety"), FIX)
def test_fixes(source, expected, safety):
    result = assert_fixes("DO274", source, expected)
    assert {fix.safety.value for fix in result.applied} == {safety}


def test_a_later_pair_that_changes_makes_it_unsafe():
    source = 'FROM debian\nARG A=1\nENV A=2 B=x C=$A\n'
    result = dockopt.fix(source, select=["DO274"], unsafe_fixes=True)
    (fix,) = result.applied
    assert fix.safety.value == "unsafe"
    assert fix.text.endswith("(unsafe: `C` changes: `$A` now reads `2`, not `1`)")
