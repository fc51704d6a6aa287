#!/usr/bin/env python3
"""A Brinjal command task: counts to --steps, one step every --delay seconds.

Brinjal reads standard output line by line: "progress: N", "heading: …", "body: …",
"img: URL" and "result: JSON" lines update the task live; other lines are kept as its
output. Exit code 0 ends the task done; anything else ends it failed, with standard
error's last lines as its traceback.
"""
import argparse
import json
import os
import sys
import time


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--steps", type=int, required=True)
    parser.add_argument("--delay", type=float, required=True)
    parser.add_argument("label")
    args = parser.parse_args()

    print(f"heading: Counting to {args.steps} for {args.label}")
    print(f"task {os.environ['BRINJAL_TASK_ID']}, scratch folder {os.environ['BRINJAL_SCRATCH_DIR']}")
    for i in range(1, args.steps + 1):
        time.sleep(args.delay)              # the real work goes here
        print(f"progress: {i * 100 // args.steps}")
        print(f"body: step {i} of {args.steps}")
    if args.label == "fail":
        print("asked to fail", file=sys.stderr)
        sys.exit(3)                         # failed: CommandFailed, "exited with code 3"
    print("result: " + json.dumps({"steps": args.steps, "label": args.label}))


if __name__ == "__main__":
    main()
