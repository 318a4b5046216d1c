# How DocsExamples.Tests.ps1 treats particular help examples (docs/<Verb-Noun>.md). Key: '<Verb-Noun> #<number>'.
# Reviewed lists: keep them small.
@{
    # Not run here, with the reason.
    Skip        = @{
        'ConvertFrom-OssKarpenter #2' = 'reads EC2NodeClass/NodePool objects from an OSS Karpenter cluster with kubectl; the sandbox clusters are Auto Mode clusters, which have no EC2NodeClass objects'
        'ConvertTo-OssKarpenter #2'   = 'applies EC2NodeClass objects with kubectl to an OSS Karpenter cluster; the sandbox clusters are Auto Mode clusters, which refuse them'
        'Get-AutoModeCluster #3'      = 'needs AWS.Tools.EKS (Get-EKSClusterList), which is not installed here'
        'Get-AutoModeNode #2'         = 'needs AWS.Tools.EKS (Get-EKSClusterList), which is not installed here'
        'Measure-AutoModeCost #2'     = 'needs AWS.Tools.EC2 (Get-EC2Instance), which is not installed here'
    }
    # Examples whose documented outcome is an error record: the error id they must write (and nothing else).
    ExpectError = @{
        'ConvertFrom-OssKarpenter #3' = 'ConvertedDocumentInvalid'
    }
    # State an example assumes (run first, in the same folder and environment), e.g. pools a nightly job suspended.
    Setup       = @{
        'Resume-AutoModeNodePool #1' = 'Suspend-AutoModeNodePool -Name batch-pool -ClusterName dev-eks -Confirm:$false -ErrorAction Stop | Out-Null'
        'Resume-AutoModeNodePool #2' = 'Suspend-AutoModeNodePool -Name batch-pool, spot-pool -KubeConfigPath ./kubeconfig -Confirm:$false -ErrorAction Stop | Out-Null'
    }
}
