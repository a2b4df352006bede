#!/usr/bin/env bash
# Gradescope runs this once when the autograder image is built (base image: Ubuntu 24.04,
# whose Python 3.12 can install the pinned numpy). Only numpy is needed to grade.
set -euo pipefail
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3 python3-venv python3-pip >/dev/null
python3 -m venv /autograder/venv
/autograder/venv/bin/pip install --quiet --requirement /autograder/source/requirements.txt
