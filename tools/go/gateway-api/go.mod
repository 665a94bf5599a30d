module deliverkit.local/tools/gateway-api

go 1.26.0

// Not a tool: the Gateway API CRDs (config/crd/standard) the real-cluster tests install, read from the module.
require sigs.k8s.io/gateway-api v1.6.3
