#!/usr/bin/env bash
# Runs outside the jail with the grader credential: the code is read from the reporter's own log.
set -uo pipefail
logged=$(kubectl logs reporter -n default 2>/dev/null | sed -n 's/^report code: *//p' | head -1 | tr -d '[:space:]')
if [ -z "$logged" ]; then echo "Pod reporter in default has printed no code (is it running?)"; exit 1; fi
if ! kubectl get configmap answer -n default >/dev/null 2>&1; then echo "ConfigMap answer in default does not exist"; exit 1; fi
keys=$(kubectl get configmap answer -n default -o go-template='{{range $k, $v := .data}}{{$k}} {{end}}')
given=$(kubectl get configmap answer -n default -o go-template='{{index .data "code"}}' 2>/dev/null)
if [ "$given" = "<no value>" ] || ! grep -qw code <<<"$keys"; then echo "ConfigMap answer has the keys ${keys:-none}, expected the key code"; exit 1; fi
trimmed=$(sed -e 's/^[[:space:]]*//' -e 's/[[:space:]]*$//' <<<"$given")
if [ "$trimmed" != "$logged" ]; then echo "answer's code is ${trimmed:-empty}: not the code reporter printed"; exit 1; fi
echo "answer holds the code reporter printed"
