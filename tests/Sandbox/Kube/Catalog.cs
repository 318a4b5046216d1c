namespace EksAutoMode.Sandbox.Kube;

/// <summary>A Kubernetes resource type the sandbox serves.</summary>
internal sealed record ResourceType(
    string Group, string Version, string Plural, string Kind, bool Namespaced, string[] ShortNames, string? CrdSet = null,
    (string Name, string Type, string JsonPath)[]? PrinterColumns = null)
{
    public string GroupVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";
    public string Singular => Kind.ToLowerInvariant();
    public string FullName => Group.Length == 0 ? Plural : $"{Plural}.{Group}";
    public bool BuiltIn => CrdSet == null;
    public string ListKind => Kind + "List";
}

internal static class Catalog
{
    private static readonly (string, string, string)[] NoColumns = [];

    public static readonly ResourceType[] BuiltIns =
    [
        new("", "v1", "namespaces", "Namespace", false, ["ns"]),
        new("", "v1", "nodes", "Node", false, ["no"]),
        new("", "v1", "pods", "Pod", true, ["po"]),
        new("", "v1", "services", "Service", true, ["svc"]),
        new("", "v1", "secrets", "Secret", true, []),
        new("", "v1", "configmaps", "ConfigMap", true, ["cm"]),
        new("", "v1", "serviceaccounts", "ServiceAccount", true, ["sa"]),
        new("", "v1", "persistentvolumes", "PersistentVolume", false, ["pv"]),
        new("", "v1", "persistentvolumeclaims", "PersistentVolumeClaim", true, ["pvc"]),
        new("", "v1", "events", "Event", true, ["ev"]),
        new("apps", "v1", "deployments", "Deployment", true, ["deploy"]),
        new("apps", "v1", "daemonsets", "DaemonSet", true, ["ds"]),
        new("apps", "v1", "statefulsets", "StatefulSet", true, ["sts"]),
        new("apps", "v1", "replicasets", "ReplicaSet", true, ["rs"]),
        new("batch", "v1", "jobs", "Job", true, []),
        new("batch", "v1", "cronjobs", "CronJob", true, ["cj"]),
        new("autoscaling", "v2", "horizontalpodautoscalers", "HorizontalPodAutoscaler", true, ["hpa"]),
        new("policy", "v1", "poddisruptionbudgets", "PodDisruptionBudget", true, ["pdb"]),
        new("networking.k8s.io", "v1", "ingresses", "Ingress", true, ["ing"]),
        new("networking.k8s.io", "v1", "ingressclasses", "IngressClass", false, []),
        new("networking.k8s.io", "v1", "networkpolicies", "NetworkPolicy", true, ["netpol"]),
        new("storage.k8s.io", "v1", "storageclasses", "StorageClass", false, ["sc"]),
        new("storage.k8s.io", "v1", "csidrivers", "CSIDriver", false, []),
        new("apiextensions.k8s.io", "v1", "customresourcedefinitions", "CustomResourceDefinition", false, ["crd", "crds"]),
    ];

    private static readonly (string, string, string)[] ReadyAge = [("Ready", "string", ".status.conditions[?(@.type==\"Ready\")].status")];

    /// <summary>Custom resources; CrdSet groups the CRDs a component installs.</summary>
    public static readonly ResourceType[] Custom =
    [
        new("karpenter.sh", "v1", "nodepools", "NodePool", false, [], "karpenter-core",
            [("NodeClass", "string", ".spec.template.spec.nodeClassRef.name"), ("Nodes", "string", ".status.resources.nodes"), ("Ready", "string", ".status.conditions[?(@.type==\"Ready\")].status")]),
        new("karpenter.sh", "v1", "nodeclaims", "NodeClaim", false, [], "karpenter-core",
            [("Type", "string", ".metadata.labels.node\\.kubernetes\\.io/instance-type"), ("Capacity", "string", ".metadata.labels.karpenter\\.sh/capacity-type"),
             ("Zone", "string", ".metadata.labels.topology\\.kubernetes\\.io/zone"), ("Node", "string", ".status.nodeName"), ("Ready", "string", ".status.conditions[?(@.type==\"Ready\")].status")]),
        new("eks.amazonaws.com", "v1", "nodeclasses", "NodeClass", false, [], "automode",
            [("Role", "string", ".spec.role"), ("Ready", "string", ".status.conditions[?(@.type==\"Ready\")].status")]),
        new("eks.amazonaws.com", "v1alpha1", "nodediagnostics", "NodeDiagnostic", false, [], "automode"),
        new("eks.amazonaws.com", "v1alpha1", "cninodes", "CNINode", false, ["cnd"], "automode"),
        new("eks.amazonaws.com", "v1", "ingressclassparams", "IngressClassParams", false, [], "automode"),
        new("eks.amazonaws.com", "v1", "targetgroupbindings", "TargetGroupBinding", true, [], "automode"),
        new("karpenter.k8s.aws", "v1", "ec2nodeclasses", "EC2NodeClass", false, ["ec2nc", "ec2ncs"], "karpenter-aws", ReadyAge),
        new("vpcresources.k8s.aws", "v1beta1", "securitygrouppolicies", "SecurityGroupPolicy", true, ["sgp"], "vpc-resource-controller"),
        new("crd.k8s.amazonaws.com", "v1alpha1", "eniconfigs", "ENIConfig", false, [], "vpc-cni"),
        new("elbv2.k8s.aws", "v1beta1", "targetgroupbindings", "TargetGroupBinding", true, [], "aws-load-balancer-controller",
            [("Service-Name", "string", ".spec.serviceRef.name"), ("Service-Port", "string", ".spec.serviceRef.port"), ("Target-Type", "string", ".spec.targetType")]),
        new("elbv2.k8s.aws", "v1beta1", "ingressclassparams", "IngressClassParams", false, [], "aws-load-balancer-controller"),
    ];

    public static IEnumerable<ResourceType> CrdSet(string name) => Custom.Where(c => c.CrdSet == name);
}
