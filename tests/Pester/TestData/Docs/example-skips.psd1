# Help examples (docs/<Verb-Noun>.md) that DocsExamples.Tests.ps1 does not run here, each with the reason.
# Reviewed list: keep it small. Key: '<Verb-Noun> #<example number>'.
@{
    'ConvertFrom-OssKarpenter #2'  = 'reads EC2NodeClass/NodePool objects from an OSS Karpenter cluster with kubectl; the sandbox simulates Auto Mode clusters, which serve no EC2NodeClass'
    'ConvertTo-OssKarpenter #2'    = 'applies EC2NodeClass objects with kubectl to an OSS Karpenter cluster; the sandbox clusters are Auto Mode clusters without the EC2NodeClass CRD'
    'Get-AutoModeCluster #3'       = 'needs AWS.Tools.EKS (Get-EKSClusterList), which is not installed here'
    'Get-AutoModeNode #2'          = 'needs AWS.Tools.EKS (Get-EKSClusterList), which is not installed here'
    'Measure-AutoModeCost #2'      = 'needs AWS.Tools.EC2 (Get-EC2Instance), which is not installed here'
}
