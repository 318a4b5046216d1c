<#
.SYNOPSIS
    Starts and stops the EksAutoMode sandbox (simulated EKS/EC2/STS/IAM/Pricing + Kubernetes API on 127.0.0.1)
    for Pester tests, the demo and benchmarks.

.DESCRIPTION
    The sandbox is tests/Sandbox (EksAutoMode.Sandbox.dll). Its location comes from $env:EKSAUTOMODE_SANDBOX_PATH
    (set by build.ps1 to out/sandbox/EksAutoMode.Sandbox.dll), else out/sandbox/ under the repository, else the
    newest build output under tests/Sandbox/bin/.

    Start-EksSandbox returns the sandbox's start-up JSON line as an object (kubernetesUrl, awsEndpointUrl, adminUrl,
    caPemPath, region, accountId, accessKeyId, secretAccessKey, sessionToken, staticToken, clusters, identities)
    plus Process. The process is started with --exit-on-stdin-close, so it also dies if the test process dies.
#>

Set-StrictMode -Version Latest

function Get-EksSandboxPath {
    [CmdletBinding()]
    [OutputType([string])]
    param()
    if ($env:EKSAUTOMODE_SANDBOX_PATH -and (Test-Path -LiteralPath $env:EKSAUTOMODE_SANDBOX_PATH)) {
        return (Resolve-Path -LiteralPath $env:EKSAUTOMODE_SANDBOX_PATH).ProviderPath
    }
    $repo = Split-Path -Parent (Split-Path -Parent $PSScriptRoot)
    $published = Join-Path $repo 'out/sandbox/EksAutoMode.Sandbox.dll'
    if (Test-Path -LiteralPath $published) { return $published }
    $built = Get-ChildItem -Path (Join-Path $repo 'tests/Sandbox/bin') -Filter 'EksAutoMode.Sandbox.dll' -Recurse -ErrorAction SilentlyContinue |
        Sort-Object LastWriteTimeUtc -Descending | Select-Object -First 1
    if ($built) { return $built.FullName }
    throw "EksAutoMode sandbox not found: set EKSAUTOMODE_SANDBOX_PATH or run 'dotnet publish tests/Sandbox -o out/sandbox'."
}

function Start-EksSandbox {
    [CmdletBinding()]
    [OutputType([pscustomobject])]
    param(
        [Parameter(Mandatory, Position = 0)]
        [string] $Scenario,
        [switch] $Tls,
        [ValidateRange(0, 1000000)]
        [int] $GenerateNodes = 0,
        # Pods per generated node (the sandbox's default is 10); also per shorthand node of clusters with podsPerNode.
        [ValidateRange(0, 110)]
        [Nullable[int]] $PodsPerNode,
        [string] $Faults,
        [int] $Seed = 1,
        [int] $Port = 0,
        [ValidateRange(1, 600)]
        [int] $StartTimeoutSeconds = 60
    )
    $dll = Get-EksSandboxPath
    $psi = [System.Diagnostics.ProcessStartInfo]::new()
    $dotnet = if ($env:DOTNET_HOST_PATH -and (Test-Path -LiteralPath $env:DOTNET_HOST_PATH)) { $env:DOTNET_HOST_PATH } else { 'dotnet' }
    $psi.FileName = $dotnet
    foreach ($a in @($dll, '--scenario', $Scenario, '--port', "$Port", '--seed', "$Seed", '--exit-on-stdin-close')) { $psi.ArgumentList.Add($a) }
    if ($Tls) { $psi.ArgumentList.Add('--tls') }
    if ($GenerateNodes -gt 0) { $psi.ArgumentList.Add('--generate-nodes'); $psi.ArgumentList.Add("$GenerateNodes") }
    if ($null -ne $PodsPerNode) { $psi.ArgumentList.Add('--pods-per-node'); $psi.ArgumentList.Add("$PodsPerNode") }
    if ($Faults) { $psi.ArgumentList.Add('--faults'); $psi.ArgumentList.Add($Faults) }
    $psi.RedirectStandardOutput = $true
    $psi.RedirectStandardError = $true
    $psi.RedirectStandardInput = $true
    $psi.UseShellExecute = $false
    $psi.Environment['DOTNET_gcServer'] = '0'
    $p = [System.Diagnostics.Process]::Start($psi)
    $errTask = $p.StandardError.ReadToEndAsync()
    $lineTask = $p.StandardOutput.ReadLineAsync()
    if (-not $lineTask.Wait([TimeSpan]::FromSeconds($StartTimeoutSeconds)) -or -not $lineTask.Result) {
        $exited = $p.HasExited
        if (-not $exited) { $p.Kill($true) }
        $p.WaitForExit(5000) | Out-Null
        $err = if ($errTask.Wait(2000)) { $errTask.Result } else { '' }
        throw "Sandbox '$Scenario' did not start (exited: $exited). stderr: $err"
    }
    $info = $lineTask.Result | ConvertFrom-Json
    $info | Add-Member -NotePropertyName Process -NotePropertyValue $p
    $info | Add-Member -NotePropertyName StandardErrorTask -NotePropertyValue $errTask
    $info | Add-Member -NotePropertyName Scenario -NotePropertyValue $Scenario -Force
    $info.PSObject.TypeNames.Insert(0, 'EksAutoMode.Sandbox')
    return $info
}

function Stop-EksSandbox {
    [CmdletBinding()]
    param(
        [Parameter(Mandatory, ValueFromPipeline)]
        [pscustomobject] $Sandbox
    )
    process {
        $p = $Sandbox.Process
        if ($null -eq $p -or $p.HasExited) { return }
        try { $p.StandardInput.Close() } catch { Write-Verbose "stdin already closed: $_" }
        if (-not $p.WaitForExit(10000)) {
            $p.Kill($true)
            $p.WaitForExit(5000) | Out-Null
        }
    }
}

function Get-EksSandboxRequestCount {
    <#
    .SYNOPSIS
        Request counts per operation from the sandbox admin endpoint. Operation names: "eks:DescribeCluster",
        "ec2:DescribeInstances", "pricing:GetProducts", "sts:GetCallerIdentity", "iam:GetRole",
        "k8s:list:nodes", "k8s:get:nodepools", "k8s:patch:nodepools", "k8s:discovery", ...
        With -Operation (wildcards allowed) returns the summed count as [long]; without, a hashtable of all.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)]
        [pscustomobject] $Sandbox,
        [string] $Operation
    )
    $r = Invoke-RestMethod -Uri "$($Sandbox.adminUrl)/requests" -NoProxy
    $all = @{}
    foreach ($prop in $r.operations.PSObject.Properties) { $all[$prop.Name] = [long]$prop.Value }
    if ($PSBoundParameters.ContainsKey('Operation')) {
        [long]$sum = 0
        foreach ($k in $all.Keys) { if ($k -like $Operation) { $sum += $all[$k] } }
        return $sum
    }
    return $all
}

function Reset-EksSandboxRequestCount {
    [CmdletBinding(SupportsShouldProcess)]
    param([Parameter(Mandatory)] [pscustomobject] $Sandbox)
    if ($PSCmdlet.ShouldProcess($Sandbox.adminUrl, 'Reset request counts')) {
        Invoke-RestMethod -Method Post -Uri "$($Sandbox.adminUrl)/requests/reset" -NoProxy | Out-Null
    }
}

function Set-EksSandboxFault {
    <#
    .SYNOPSIS
        Replaces the sandbox's fault rules ("op=kind[:ms][@probability][#firstN][+skip];..."; kinds throttle, 500,
        503, latency:MS, reset, truncate) and restarts the per-operation call counters. An empty string clears them.
    #>
    [CmdletBinding(SupportsShouldProcess)]
    param(
        [Parameter(Mandatory)] [pscustomobject] $Sandbox,
        [Parameter(Mandatory)] [AllowEmptyString()] [string] $Faults
    )
    if ($PSCmdlet.ShouldProcess($Sandbox.adminUrl, "Set faults '$Faults'")) {
        Invoke-RestMethod -Method Put -Uri "$($Sandbox.adminUrl)/faults" -Body $Faults -ContentType 'text/plain' -NoProxy | Out-Null
    }
}

function Invoke-EksSandboxCompaction {
    <# .SYNOPSIS Expires every Kubernetes continue token issued so far (the next continue request gets 410 Expired). #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] [pscustomobject] $Sandbox,
        [string] $ClusterName
    )
    $q = if ($ClusterName) { "?cluster=$([uri]::EscapeDataString($ClusterName))" } else { '' }
    Invoke-RestMethod -Method Post -Uri "$($Sandbox.adminUrl)/compact$q" -NoProxy | Out-Null
}

function New-EksSandboxKubeconfig {
    <#
    .SYNOPSIS
        Writes a kubeconfig for one sandbox cluster. -Auth Static uses the static token; -Auth Exec runs
        "aws eks get-token" (credentials from the environment) like a real EKS kubeconfig.
    #>
    [CmdletBinding(SupportsShouldProcess)]
    param(
        [Parameter(Mandatory)] [pscustomobject] $Sandbox,
        [Parameter(Mandatory)] [string] $Path,
        [string] $ClusterName,
        [ValidateSet('Static', 'Exec')] [string] $Auth = 'Static',
        [string] $AwsCommand = 'aws'
    )
    $cluster = if ($ClusterName) { $Sandbox.clusters | Where-Object name -EQ $ClusterName } else { $Sandbox.clusters[0] }
    if (-not $cluster) { throw "Sandbox has no cluster '$ClusterName'." }
    $lines = [System.Collections.Generic.List[string]]::new()
    $lines.Add('apiVersion: v1')
    $lines.Add('kind: Config')
    $lines.Add('clusters:')
    $lines.Add("- name: $($cluster.name)")
    $lines.Add('  cluster:')
    $lines.Add("    server: $($cluster.kubernetesUrl)")
    if ($Sandbox.caPemPath) { $lines.Add("    certificate-authority: $($Sandbox.caPemPath)") }
    $lines.Add('users:')
    $lines.Add('- name: sandbox-user')
    $lines.Add('  user:')
    if ($Auth -eq 'Static') {
        $lines.Add("    token: $($Sandbox.staticToken)")
    }
    else {
        $lines.Add('    exec:')
        $lines.Add('      apiVersion: client.authentication.k8s.io/v1beta1')
        $lines.Add("      command: $AwsCommand")
        $lines.Add('      interactiveMode: Never')
        $lines.Add('      args: [eks, get-token, --cluster-name, ' + $cluster.name + ', --region, ' + $cluster.region + ']')
    }
    $lines.Add('contexts:')
    $lines.Add("- name: $($cluster.name)")
    $lines.Add('  context:')
    $lines.Add("    cluster: $($cluster.name)")
    $lines.Add('    user: sandbox-user')
    $lines.Add("current-context: $($cluster.name)")
    if ($PSCmdlet.ShouldProcess($Path, 'Write kubeconfig')) {
        Set-Content -LiteralPath $Path -Value $lines -Encoding utf8NoBOM
    }
}

Export-ModuleMember -Function Start-EksSandbox, Stop-EksSandbox, Get-EksSandboxRequestCount, Reset-EksSandboxRequestCount,
    Set-EksSandboxFault, Invoke-EksSandboxCompaction, New-EksSandboxKubeconfig, Get-EksSandboxPath
