# Prints its arguments and environment, one per line, for the test to compare.
printf 'count=%s\n' "$#"
for a in "$@"; do printf 'arg=%s\n' "$a"; done
printf 'env_text=%s\n' "$BRINJAL_PARAM_TEXT"
printf 'env_n=%s\n' "$BRINJAL_PARAM_N"
printf 'env_flag=%s\n' "$BRINJAL_PARAM_FLAG"
printf 'task_id=%s\n' "$BRINJAL_TASK_ID"
printf 'extra=%s\n' "$EXTRA"
if [ -d "$BRINJAL_SCRATCH_DIR" ]; then echo "scratch=dir"; fi
