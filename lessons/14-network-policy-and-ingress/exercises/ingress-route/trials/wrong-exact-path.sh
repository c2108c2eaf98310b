#!/usr/bin/env bash
set -euo pipefail
kubectl create ingress site --class=nginx --rule="shop.example.com/=shop:80" --rule="blog.example.com/*=blog:8080"
