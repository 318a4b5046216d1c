#requires -Version 7.4
<#
.SYNOPSIS
    Benchmark: 100,000 pipeline objects through Measure-AutoModeCost, as a ratio to Measure-Object -Sum over the
    same objects in the same run (target: ratio <= 2). Prints its own ratio lines; never fails on timing.
#>
param(
    [int] $Count = 100000,
    [int] $Repeat = 3,
    [string] $ModulePath = $env:EKSAUTOMODE_MODULE_PATH
)

$ErrorActionPreference = 'Stop'
if (-not $ModulePath) { $ModulePath = Join-Path $PSScriptRoot '../out/EksAutoMode/EksAutoMode.psd1' }
Import-Module $ModulePath -Force

# A fleet shaped like Get-EC2Instance output: instance type, zone, lifecycle, operator and tags.
$types = 'm5.large', 'm5.xlarge', 'c6g.large', 'c5.2xlarge', 'r6i.large', 't3.medium', 'm6g.large', 'c7g.xlarge'
$objects = [System.Collections.Generic.List[object]]::new($Count)
for ($i = 0; $i -lt $Count; $i++) {
    $objects.Add([pscustomobject]@{
        InstanceType      = $types[$i % $types.Count]
        Count             = 1 + ($i % 3)
        AvailabilityZone  = 'us-east-1' + [char](97 + ($i % 4))
        InstanceLifecycle = if ($i % 5 -eq 0) { 'spot' } else { $null }
        IsAutoMode        = ($i % 2 -eq 0)
    })
}

# Warm both paths once (JIT, catalogue load) so the timing compares steady-state work.
$objects[0..99] | Measure-Object -Property Count -Sum | Out-Null
$objects[0..99] | Measure-AutoModeCost -WarningAction SilentlyContinue | Out-Null

# Best of $Repeat alternating runs: the machine is shared, and the minimum is the least disturbed measurement.
$baselineRuns = @(); $subjectRuns = @()
for ($r = 0; $r -lt $Repeat; $r++) {
    [GC]::Collect()
    $baselineRuns += (Measure-Command { $objects | Measure-Object -Property Count -Sum | Out-Null }).TotalMilliseconds
    [GC]::Collect()
    $subjectRuns += (Measure-Command { $script:result = $objects | Measure-AutoModeCost -Summary -WarningAction SilentlyContinue }).TotalMilliseconds
}
$baseline = [timespan]::FromMilliseconds(($baselineRuns | Measure-Object -Minimum).Minimum)
$subject = [timespan]::FromMilliseconds(($subjectRuns | Measure-Object -Minimum).Minimum)

$ratio = $subject.TotalMilliseconds / [math]::Max(1, $baseline.TotalMilliseconds)
if ($script:result.InstanceCount -ne ($objects | Measure-Object -Property Count -Sum).Sum) {
    Write-Warning "Measure-AutoModeCost counted $($script:result.InstanceCount) instances; expected the Count sum."
}

'cost: {0:N0} pipeline objects, best of {5}: Measure-Object -Sum {1:N0} ms, Measure-AutoModeCost {2:N0} ms, ratio {3:N2} (target <= 2.00) {4}' -f `
    $Count, $baseline.TotalMilliseconds, $subject.TotalMilliseconds, $ratio, $(if ($ratio -le 2) { 'OK' } else { 'OVER TARGET' }), $Repeat
