<#
.SYNOPSIS
    Azure Automation runbook (PowerShell 7.4 runtime): nightly stop, morning start or rotation window for EKS Auto
    Mode NodePools, authenticated to AWS with the Automation account's managed identity — no AWS keys stored.
.DESCRIPTION
    Setup (once):
    1. Automation account → Identity: turn on the system-assigned (or add a user-assigned) managed identity.
    2. Runtime environment PowerShell 7.4 → Add a package: upload EksAutoMode.zip (the module folder zipped, or the
       .nupkg from the PowerShell Gallery); the runbook then just Import-Module EksAutoMode.
    3. AWS IAM: add an OpenID Connect identity provider for https://sts.windows.net/<tenant-id>/ with audience
       api://AzureADTokenExchange (or your app ID URI), and a role trusting it (condition on the managed identity's
       object id as "sub"), with eks:DescribeCluster on the cluster.
    4. EKS: an access entry for that role with a policy allowing patch on nodepools.karpenter.sh and delete on
       nodeclaims.karpenter.sh (for Stop/Start/Rotate), list/get/watch on pods, nodeclaims, PDBs.
    5. Schedules: link a "Stop" schedule (weekdays 20:00) and a "Start" schedule (weekdays 07:00) with parameters.
    How it authenticates: the managed identity's Entra token (IDENTITY_ENDPOINT/IDENTITY_HEADER, which Azure
    Automation sets) is written to a file and exported as AWS_WEB_IDENTITY_TOKEN_FILE with AWS_ROLE_ARN; the
    module's credential chain then calls sts:AssumeRoleWithWebIdentity itself. Outside Azure (no IDENTITY_ENDPOINT)
    the ambient AWS credentials are used, which is how this runbook is tested.
    Output: one object per pool and an error stream entry per failure; the job fails (throw) if any pool failed.
#>
param(
    [Parameter(Mandatory)] [ValidateSet('Stop', 'Start', 'Rotate')] [string] $Action,
    [Parameter(Mandatory)] [string] $ClusterName,
    [Parameter(Mandatory)] [string] $Region,
    [Parameter(Mandatory)] [string[]] $NodePool,
    [string] $AwsRoleArn,
    [string] $TokenAudience = 'api://AzureADTokenExchange',
    [int] $OlderThanDays = 14,
    [int] $TimeoutMinutes = 20
)
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'   # Automation job streams do not render progress

function Connect-AwsWithManagedIdentity {
    param([string] $RoleArn, [string] $Audience)
    $uri = '{0}?resource={1}&api-version=2019-08-01' -f $env:IDENTITY_ENDPOINT, [uri]::EscapeDataString($Audience)
    $token = (Invoke-RestMethod -Uri $uri -Headers @{ 'X-IDENTITY-HEADER' = $env:IDENTITY_HEADER; Metadata = 'True' }).access_token
    $file = Join-Path ([IO.Path]::GetTempPath()) ("aws-web-identity-" + [guid]::NewGuid().ToString('n'))
    Set-Content -LiteralPath $file -Value $token -NoNewline
    $env:AWS_WEB_IDENTITY_TOKEN_FILE = $file
    $env:AWS_ROLE_ARN = $RoleArn
    $env:AWS_ROLE_SESSION_NAME = "azure-automation-$($env:AUTOMATION_JOB_ID ?? 'local')"
    return $file
}

$tokenFile = $null
if ($env:IDENTITY_ENDPOINT) {
    if (-not $AwsRoleArn) { throw 'AwsRoleArn is required when running in Azure Automation.' }
    $tokenFile = Connect-AwsWithManagedIdentity -RoleArn $AwsRoleArn -Audience $TokenAudience
}

try {
    Import-Module EksAutoMode
    $connection = @{ ClusterName = $ClusterName; Region = $Region }
    $failures = 0
    foreach ($pool in $NodePool) {
        $errs = $null
        try {
            switch ($Action) {
                'Stop' { Suspend-AutoModeNodePool -Name $pool @connection -Wait -Timeout ([TimeSpan]::FromMinutes($TimeoutMinutes)) -Confirm:$false -ErrorAction Continue -ErrorVariable errs }
                'Start' { Resume-AutoModeNodePool -Name $pool @connection -Confirm:$false -ErrorAction Continue -ErrorVariable errs }
                'Rotate' {
                    Invoke-AutoModeNodeRotation -NodePool $pool -OlderThan ([TimeSpan]::FromDays($OlderThanDays)) -Timeout ([TimeSpan]::FromMinutes($TimeoutMinutes)) @connection -Confirm:$false -ErrorAction Continue -ErrorVariable errs
                }
            }
        }
        catch { $errs = @($_) }
        if ($errs) {
            $failures++
            foreach ($e in $errs) { Write-Error -Message "$ClusterName/${pool}: $($e.Exception.Message)" -ErrorId $e.FullyQualifiedErrorId -ErrorAction Continue }
        }
    }
    if ($failures) { throw "$Action failed for $failures of $($NodePool.Count) pool(s) on $ClusterName." }
}
finally {
    if ($tokenFile) { Remove-Item -LiteralPath $tokenFile -ErrorAction SilentlyContinue }
}
