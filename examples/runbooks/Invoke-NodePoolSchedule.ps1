#Requires -Version 7.4
<#
.SYNOPSIS
    Nightly stop / morning start / rotation window for EKS Auto Mode NodePools, for cron, systemd timers or any
    scheduler that runs pwsh. Unattended: never prompts (-Confirm:$false), exits non-zero when something failed.
.DESCRIPTION
    Stop   : Suspend-AutoModeNodePool (limits recorded, launches blocked, NodeClaims deleted), waits for the drain.
    Start  : Resume-AutoModeNodePool (exact limits restored).
    Rotate : Invoke-AutoModeNodeRotation -OlderThan (one node at a time, PDB-safe).
    Credentials come from the usual chain (instance profile, AWS_PROFILE, environment, IRSA/web identity); the
    cluster is reached by name through EKS (no kubectl, no kubeconfig).
.EXAMPLE
    pwsh -NonInteractive -File Invoke-NodePoolSchedule.ps1 -Action Stop -ClusterName dev-eks -Region eu-west-1 -NodePool batch-pool
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [ValidateSet('Stop', 'Start', 'Rotate')] [string] $Action,
    [Parameter(Mandatory)] [string] $ClusterName,
    [Parameter(Mandatory)] [string] $Region,
    [Parameter(Mandatory)] [string[]] $NodePool,
    [TimeSpan] $OlderThan = [TimeSpan]::FromDays(14),
    [TimeSpan] $Timeout = [TimeSpan]::FromMinutes(20),
    [string] $ModulePath = 'EksAutoMode'
)
$ErrorActionPreference = 'Stop'
Import-Module $ModulePath
$connection = @{ ClusterName = $ClusterName; Region = $Region }
$failed = $false
$results = foreach ($pool in $NodePool) {
    try {
        switch ($Action) {
            'Stop' { Suspend-AutoModeNodePool -Name $pool @connection -Wait -Timeout $Timeout -Confirm:$false -ErrorAction Continue -ErrorVariable +errs }
            'Start' { Resume-AutoModeNodePool -Name $pool @connection -Confirm:$false }
            'Rotate' { Invoke-AutoModeNodeRotation -NodePool $pool -OlderThan $OlderThan -Timeout $Timeout @connection -Confirm:$false -ErrorAction Continue -ErrorVariable +errs }
        }
    }
    catch {
        $failed = $true
        [pscustomobject]@{ NodePool = $pool; Error = $_.Exception.Message; ErrorId = $_.FullyQualifiedErrorId }
    }
}
if ($errs) { $failed = $true }
$results
if ($failed) { exit 1 }
