module kubelab.local/runtime-wrapper

go 1.22
