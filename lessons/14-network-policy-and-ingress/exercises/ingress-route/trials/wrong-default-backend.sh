#!/usr/bin/env bash
set -euo pipefail
kubectl create ingress site --class=nginx --default-backend=shop:80 --rule="shop.example.com/*=shop:80" --rule="blog.example.com/*=blog:8080"
