"""Prints a CloudFormation template (YAML with short-form intrinsics) as JSON, decoded the way cfn-lint decodes it.

usage: template_json.py TEMPLATE
"""
import json
import sys

from cfnlint.decode import decode_str


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        template, problems = decode_str(f.read())
    if problems or template is None:
        print("\n".join(str(p) for p in problems) or "the template did not decode", file=sys.stderr)
        sys.exit(1)
    print(json.dumps(template))


if __name__ == "__main__":
    main()
