# The Auto Mode fee, offline: the seed article's example, a mixed fleet, and why discounts make the fee weigh more.
# Uses a throw-away price cache path so the demo never reads or writes the user's own cache.
$savedCache = $env:EKSAUTOMODE_PRICE_CACHE
$env:EKSAUTOMODE_PRICE_CACHE = Join-Path ([IO.Path]::GetTempPath()) "eksautomode-demo-$PID.json"
try {
    Write-Host '> Measure-AutoModeCost -InstanceType c6g.large -Count 2 -Region ap-northeast-1 -Period Hour' -ForegroundColor Yellow
    Write-Host '  (the article: $0.0856 + $0.01027 = $0.09587/h, 112.0 % of EC2; embedded, UNVERIFIED by AWS)' -ForegroundColor DarkGray
    Measure-AutoModeCost -InstanceType c6g.large -Count 2 -Region ap-northeast-1 -Period Hour | Out-Host

    Write-Host '> A cluster with Auto Mode nodes, a managed node group and OSS Karpenter (EC2-shaped objects)' -ForegroundColor Yellow
    $tag = { param($k, $v) [pscustomobject]@{ Key = $k; Value = $v } }
    $fleet = @(
        [pscustomobject]@{ InstanceType = 'm5.large'; Placement = [pscustomobject]@{ AvailabilityZone = 'us-east-1a' }; Operator = [pscustomobject]@{ Managed = $true; Principal = 'eks.amazonaws.com' }; Tags = @(& $tag 'eks:kubernetes-node-pool-name' 'general-purpose') }
        [pscustomobject]@{ InstanceType = 'm5.large'; Placement = [pscustomobject]@{ AvailabilityZone = 'us-east-1b' }; Operator = [pscustomobject]@{ Managed = $true; Principal = 'eks.amazonaws.com' }; Tags = @(& $tag 'eks:kubernetes-node-pool-name' 'general-purpose') }
        [pscustomobject]@{ InstanceType = 'm5.xlarge'; Placement = [pscustomobject]@{ AvailabilityZone = 'us-east-1a' }; Operator = [pscustomobject]@{ Managed = $false }; Tags = @(& $tag 'eks:nodegroup-name' 'system-ng') }
        [pscustomobject]@{ InstanceType = 'c6g.large'; Placement = [pscustomobject]@{ AvailabilityZone = 'us-east-1c' }; InstanceLifecycle = 'spot'; Operator = [pscustomobject]@{ Managed = $false }; Tags = @(& $tag 'karpenter.sh/nodepool' 'batch') }
    )
    Write-Host '> $fleet | Measure-AutoModeCost -SpotPrice 0.025' -ForegroundColor Yellow
    $fleet | Measure-AutoModeCost -SpotPrice 0.025 3>&1 | Out-Host
    Write-Host '> $fleet | Measure-AutoModeCost -SpotPrice 0.025 | Measure-Object TotalCost -Sum   # lines compose: no total counted twice' -ForegroundColor Yellow
    '  {0:N2} USD per month' -f ($fleet | Measure-AutoModeCost -SpotPrice 0.025 -WarningAction SilentlyContinue | Measure-Object TotalCost -Sum).Sum | Out-Host

    Write-Host '> The same fleet under a 30 % Savings Plan (EC2 only; the fee is never discounted)' -ForegroundColor Yellow
    $fleet | Measure-AutoModeCost -SpotPrice 0.025 -Ec2Discount 30% -Summary -WarningAction SilentlyContinue | Format-List | Out-Host

    Write-Host '> ... and if Auto Mode ran all of it (-AssumeAutoMode)' -ForegroundColor Yellow
    $fleet | Measure-AutoModeCost -SpotPrice 0.025 -Ec2Discount 30% -AssumeAutoMode -Summary -WarningAction SilentlyContinue | Format-List | Out-Host

    Write-Host '> Measure-AutoModeCost m5.large -Region eu-west-1   # no embedded prices there: an error, never us-east-1 prices' -ForegroundColor Yellow
    Measure-AutoModeCost m5.large -Region eu-west-1 -ErrorAction Continue 2>&1 | ForEach-Object { Write-Host "  $($_.Exception.Message)" -ForegroundColor Red }

    Write-Host "> Get-AutoModePrice 'c6g.l*', 'c6g.x*' -Region ap-northeast-1, us-east-1" -ForegroundColor Yellow
    Get-AutoModePrice 'c6g.l*', 'c6g.x*' -Region ap-northeast-1, us-east-1 -WarningAction SilentlyContinue 2>$null | Out-Host
}
finally {
    Remove-Item -LiteralPath $env:EKSAUTOMODE_PRICE_CACHE -ErrorAction SilentlyContinue
    $env:EKSAUTOMODE_PRICE_CACHE = $savedCache
}
