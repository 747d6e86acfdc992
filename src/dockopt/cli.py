"""Command line interface (placeholder until the CLI lands)."""


def main() -> None:
    raise SystemExit("dockopt: the CLI is not built yet")
