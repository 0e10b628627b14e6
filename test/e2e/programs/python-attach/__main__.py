"""The program for `pulumi up` with an ordinary Pulumi install (Pulumi.yaml, runtime python)."""

from attach import program

program()
