#Requires -Version 7.4
<#
.SYNOPSIS
    Fleet fan-out: the same nightly stop / start / rotation over many clusters and accounts in parallel, with one
    result per cluster (what was done, or the error) — one cluster's failure never stops the others.
.DESCRIPTION
    -Fleet is a list of objects (or a JSON/CSV file) with ClusterName, Region and optionally ProfileName (a profile
    that assumes the account's role: role_arn + source_profile / credential_source in ~/.aws/config) and NodePool.
    Each cluster runs in its own runspace (ForEach-Object -Parallel) with its own connection.
.EXAMPLE
    ./Invoke-FleetNodePoolSchedule.ps1 -Action Stop -FleetPath fleet.json -ThrottleLimit 8 | Format-Table Cluster, Status, Pools, Error
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [ValidateSet('Stop', 'Start', 'Rotate')] [string] $Action,
    [Parameter(Mandatory, ParameterSetName = 'File')] [string] $FleetPath,
    [Parameter(Mandatory, ParameterSetName = 'Objects')] [object[]] $Fleet,
    [int] $ThrottleLimit = 5,
    [TimeSpan] $OlderThan = [TimeSpan]::FromDays(14),
    [TimeSpan] $Timeout = [TimeSpan]::FromMinutes(20),
    [string] $ModulePath = 'EksAutoMode'
)
if ($FleetPath) {
    $Fleet = if ($FleetPath -like '*.csv') { Import-Csv $FleetPath } else { Get-Content -Raw $FleetPath | ConvertFrom-Json }
}
$Fleet | ForEach-Object -ThrottleLimit $ThrottleLimit -Parallel {
    $target = $_
    $started = [DateTimeOffset]::UtcNow
    $result = [ordered]@{ Cluster = $target.ClusterName; Region = $target.Region; Status = 'Succeeded'; Pools = @(); Error = $null; Started = $started; Finished = $null }
    try {
        Import-Module $using:ModulePath -ErrorAction Stop
        $connection = @{ ClusterName = $target.ClusterName; Region = $target.Region; ErrorAction = 'Stop' }
        if ($target.ProfileName) { $connection.ProfileName = $target.ProfileName }
        $pools = @($target.NodePool -split ',' | Where-Object { $_ })
        $result.Pools = foreach ($pool in $pools) {
            switch ($using:Action) {
                'Stop' { Suspend-AutoModeNodePool -Name $pool @connection -Wait -Timeout $using:Timeout -Confirm:$false }
                'Start' { Resume-AutoModeNodePool -Name $pool @connection -Confirm:$false }
                'Rotate' { Invoke-AutoModeNodeRotation -NodePool $pool -OlderThan $using:OlderThan -Timeout $using:Timeout @connection -Confirm:$false }
            }
        }
    }
    catch {
        $result.Status = 'Failed'
        $result.Error = "$($_.FullyQualifiedErrorId): $($_.Exception.Message)"
    }
    $result.Finished = [DateTimeOffset]::UtcNow
    [pscustomobject]$result
}
