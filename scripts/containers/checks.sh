# The checks of scripts/test-containers.sh beyond the happy path (sourced after stack.sh).

# The build context as a customer's checkout has it: the repository's files plus a filled-in
# .env and the leftovers of development (.venv, .leadgen, test artefacts), each holding the
# token marker, so the image check below can prove that none of them reached the image.
stage_context() {
  local context="$1"
  mkdir -p "$context"
  git -C "$ROOT" ls-files -z --cached --others --exclude-standard \
    | (cd "$ROOT" && tar --null -T - -c 2>/dev/null) | tar -x -C "$context"
  cp "$WORK/.env" "$context/.env"
  cp "$WORK/.env" "$context/src/.env"
  for dir in .venv .leadgen test-artifacts .git; do
    mkdir -p "$context/$dir" && echo "AIRTABLE_TOKEN=$TOKEN_MARKER" > "$context/$dir/leftover"
  done
}

# Package names in a pip-compile lock (`name==version \`), normalised as PEP 503 says.
locked_names() {
  grep -oE '^[A-Za-z0-9][A-Za-z0-9._-]*==' "$1" | sed 's/==$//' | tr 'A-Z_.' 'a-z--' | sort -u
}

pip_names() { sed 's/==.*//' | tr 'A-Z_.' 'a-z--' | sort -u; }

check_image_contents() {
  local project="$1" api uid
  api="$(container_of "$project" api)"
  uid="$(podman exec "$api" id -u)"
  [ "$uid" != 0 ] || fail "the API runs as root"
  # No .env and no token in the running container's files or environment.
  local found
  found="$(podman exec "$api" sh -c 'find / -xdev -name ".env*" 2>/dev/null; true')"
  [ -z "$found" ] || fail "the image holds .env files: $found"
  if podman exec "$api" env | grep -q -e AIRTABLE_TOKEN -e "$TOKEN_MARKER"; then
    fail "the API's environment holds the Airtable token"
  fi
  local root
  root="$(podman image mount "$IMAGE")"
  found="$(grep -rlF "$TOKEN_MARKER" "$root" 2>/dev/null || true)"
  podman image unmount "$IMAGE" >/dev/null
  [ -z "$found" ] || fail "the token marker is in the image: $found"
  if podman image inspect --format '{{json .Config.Env}}' "$IMAGE" \
      | grep -q -i -e token -e password; then
    fail "the image's configuration names a token or password"
  fi
  for leftover in tests bench .git .venv .leadgen/leftover test-artifacts requirements-dev.txt; do
    if podman exec "$api" test -e "/app/$leftover"; then
      fail "the image holds /app/$leftover"
    fi
  done
  # No test dependency: nothing of the dev lock that the runtime lock lacks is installed,
  # beyond what the base image itself brings (pip, the installer).
  local dev_only base installed leaked
  dev_only="$(comm -23 <(locked_names "$ROOT/requirements-dev.txt") \
                        <(locked_names "$ROOT/requirements.txt"))"
  [ -n "$dev_only" ] || fail "could not read the dev-only packages from the locks"
  base="$(podman run --rm "$PY_STAND_IN" pip list --format=freeze 2>/dev/null | pip_names)"
  installed="$(podman exec "$api" pip list --format=freeze 2>/dev/null | pip_names)"
  leaked="$(comm -12 <(echo "$dev_only") <(comm -23 <(echo "$installed") <(echo "$base")))"
  [ -z "$leaked" ] || fail "test dependencies in the image: $(echo "$leaked" | tr '\n' ' ')"
  echo "runs as uid $uid; no .env, no token marker (files, environment, image config);" \
       "none of the $(echo "$dev_only" | wc -l) dev-only packages of requirements-dev.txt;" \
       "$(echo "$installed" | wc -l) packages installed"
}

# pg_dump carries neither roles nor their passwords: a fresh stack gets them (and the schema)
# from `leadgen db upgrade`, then pg_restore --clean replaces the schema's objects with the
# dump's, owners and grants included.
restore_into_fresh_stack() {
  local project="$1" dump="$2"
  compose "$project" up -d db >/dev/null
  wait_healthy "$project" db 90
  admin "$project" db upgrade | tail -n 1
  compose "$project" exec -T db pg_restore -U postgres -d leadgen --clean --if-exists \
    --single-transaction --exit-on-error < "$dump" || fail "pg_restore failed"
  compose "$project" up -d >/dev/null
  wait_healthy "$project" api 120
  echo "restored $(( $(stat -c %s "$dump") / 1000 )) kB into $project; the API is healthy"
}

# The volume keeps the password it was created with (the official image reads
# POSTGRES_PASSWORD only on an empty volume); a changed .env then gives the API a wrong one.
# The API must stop with the reason in its logs and status, after a bounded number of tries.
check_wrong_password() {
  local project="$1" api status code restarts logs started=$SECONDS
  sed "s|^POSTGRES_PASSWORD=.*|POSTGRES_PASSWORD=not-the-volume-password|" "$WORK/.env" \
    > "$WORK/wrong.env"
  compose "$project" --env-file "$WORK/wrong.env" up -d --no-deps api >/dev/null 2>&1
  api="$(container_of "$project" api)"
  while :; do
    status="$(podman inspect --format '{{.State.Status}}' "$api")"
    restarts="$(podman inspect --format '{{.RestartCount}}' "$api")"
    [ "$status" = exited ] && [ "$restarts" -ge 5 ] && break
    (( SECONDS - started < 120 )) || fail "the API did not stop (status $status, $restarts restarts)"
    sleep 1
  done
  sleep 5  # a further restart would show now
  status="$(podman inspect --format '{{.State.Status}}' "$api")"
  restarts="$(podman inspect --format '{{.RestartCount}}' "$api")"
  code="$(podman inspect --format '{{.State.ExitCode}}' "$api")"
  logs="$(podman logs --tail 5 "$api" 2>&1)"
  [ "$status" = exited ] && [ "$restarts" = 5 ] \
    || fail "restarts not bounded: status $status after $restarts restarts"
  [ "$code" = 4 ] || fail "the API exited with $code, not 4 (database unavailable)"
  echo "$logs" | grep -q 'password authentication failed' \
    || fail "the API's logs do not say why: $logs"
  echo "wrong password: exited with 4 after $restarts restarts; last log lines:"
  echo "$logs" | sed 's/^/  | /'
  podman ps -a --filter "name=$api" --format '  status: {{.Names}} {{.Status}}'
}

# A required variable missing from .env: compose refuses, naming it, and starts nothing.
check_missing_variable() {
  local project="$1" out
  grep -v '^POSTGRES_PASSWORD=' "$WORK/.env" > "$WORK/missing.env"
  if out="$(compose "$project" --env-file "$WORK/missing.env" up -d 2>&1)"; then
    fail "compose started without POSTGRES_PASSWORD"
  fi
  echo "$out" | grep -q POSTGRES_PASSWORD || fail "compose refused without naming it: $out"
  [ -z "$(podman ps -a --filter "label=io.podman.compose.project=$project" -q)" ] \
    || fail "compose created containers without POSTGRES_PASSWORD"
  echo "missing POSTGRES_PASSWORD: compose refused: $(echo "$out" | grep POSTGRES_PASSWORD | tail -n 1)"
}
