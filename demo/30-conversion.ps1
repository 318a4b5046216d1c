# Auto Mode <-> OSS Karpenter conversion, offline, with notes on everything that could not be carried over.
$examples = Join-Path (Split-Path $PSScriptRoot) 'examples'

Write-Host '> ConvertTo-OssKarpenter -Path examples/automode/builtin-default-nodeclass.yaml, examples/automode/builtin-nodepools.yaml' -ForegroundColor Yellow
$results = ConvertTo-OssKarpenter -Path (Join-Path $examples 'automode/builtin-default-nodeclass.yaml'), (Join-Path $examples 'automode/builtin-nodepools.yaml')
$results | Format-Table | Out-Host

Write-Host '> $results[0].Notes | Where-Object Severity -ne Info   # what needs attention' -ForegroundColor Yellow
$results[0].Notes | Where-Object Severity -ne Info | Format-Table -Wrap | Out-Host

Write-Host '> $results[0].Yaml   # the EC2NodeClass, notes as comments' -ForegroundColor Yellow
$results[0].Yaml | Out-Host

Write-Host '> ConvertFrom-OssKarpenter -Path examples/karpenter -Taint eks-auto-mode:NoSchedule -AsYaml   # side-by-side migration' -ForegroundColor Yellow
$yaml = ConvertFrom-OssKarpenter -Path (Join-Path $examples 'karpenter') -Taint 'eks-auto-mode:NoSchedule' -AsYaml
($yaml -split "`n" | Where-Object { $_ -notmatch '^\s*#' } | Select-Object -First 40) -join "`n" | Out-Host
Write-Host '  ... (comment lines hidden here; kubectl apply -f - accepts the stream as it is)' -ForegroundColor DarkGray
