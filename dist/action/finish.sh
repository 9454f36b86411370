#!/usr/bin/env bash
# finish.sh - action.yml's last step: fails when mockrun did not pass.
# MOCKRUN_EXIT_CODE is run.sh's output exit-code (empty when it did not run).
set -euo pipefail
code=${MOCKRUN_EXIT_CODE:-}
case $code in
0)
    exit 0
    ;;
1)
    echo "::error title=mockrun::a check failed (exit 1); the annotations, the job summary and the reports say which"
    ;;
2)
    echo "::error title=mockrun::usage error or invalid scenario (exit 2); nothing was started"
    ;;
3)
    echo "::error title=mockrun::mockrun could not set up (exit 3): a port, a report path or the command"
    ;;
'')
    echo "::error title=mockrun::mockrun did not run; see the steps above"
    exit 1
    ;;
*)
    echo "::error title=mockrun::mockrun exited with status $code"
    ;;
esac
exit "$code"
