# Offline validation: the API server's verdicts and messages, plus the Auto Mode rules, before kubectl apply.
$examples = Join-Path (Split-Path $PSScriptRoot -Parent) 'examples'
$work = Join-Path ([IO.Path]::GetTempPath()) ('eam-demo-' + [guid]::NewGuid().ToString('n'))
New-Item -ItemType Directory -Path $work | Out-Null
try {
    Copy-Item (Join-Path $examples 'automode/builtin-*.yaml'), (Join-Path $examples 'automode/custom-nodeclass.yaml'), (Join-Path $examples 'automode/custom-nodepool.yaml') $work
    Write-Host "> Test-AutoModeManifest $work -PassThru   # the built-ins and examples are clean" -ForegroundColor Yellow
    Test-AutoModeManifest $work -PassThru | Out-Host

    # The two rejections from the seed article, plus a role given as an ARN and an OSS-only field.
    @'
apiVersion: eks.amazonaws.com/v1
kind: NodeClass
metadata:
  name: custom-class
spec:
  role: arn:aws:iam::123456789012:role/automode-eks-AmazonEKSAutoNodeRole-with-a-long-suffix
  amiFamily: Bottlerocket
  subnetSelectorTerms:
    - id: subnet-1234567890123
  securityGroupSelectorTerms:
    - id: sg-1234567890
---
apiVersion: karpenter.sh/v1
kind: NodePool
metadata:
  name: custom-pool
spec:
  template:
    spec:
      expireAfter: Never
      nodeClassRef:
        group: eks.amazonaws.com
        kind: NodeClass
        name: custom-class
      requirements:
        - key: karpenter.k8s.aws/instance-family
          operator: In
          values: ["m7g"]
'@ | Set-Content (Join-Path $work 'custom.yaml')
    Write-Host "> Test-AutoModeManifest $work   # findings grouped by file, with the API server's wording and a fix hint" -ForegroundColor Yellow
    Test-AutoModeManifest $work | Out-Host

    Write-Host "> Test-AutoModeManifest $work | ForEach-Object ToString   # file:line:column lines for CI logs" -ForegroundColor Yellow
    Test-AutoModeManifest $work | ForEach-Object ToString | Out-Host

    Write-Host "> if (-not (Test-AutoModeManifest $work -Quiet)) { 'CI would fail here: exit 1' }" -ForegroundColor Yellow
    if (-not (Test-AutoModeManifest $work -Quiet)) { 'CI would fail here: exit 1' | Out-Host }
}
finally {
    Remove-Item -Recurse -Force $work -ErrorAction SilentlyContinue
}
