<#
.SYNOPSIS
    Runs every exported EksAutoMode cmdlet with representative arguments, through every credential source and
    with failures provoked, and prints every record of every stream in full (used by Secrets.Tests.ps1, which
    runs it in a fresh pwsh so that -WhatIf host text is captured too, and scans the text for secrets).

.DESCRIPTION
    Output: for each run a header line '### <Cmdlet> | <case>', the records serialised (ErrorRecords with their
    exception text, target, details, recommended action, category and bound parameters; other records with all
    their properties and JSON), then '@@ <Cmdlet>|<case>|output=N|error=N|warning=N|verbose=N|debug=N|information=N'.
    Cmdlets this script has no arguments for are printed as '@@ MISSING <Cmdlet>'.
    Live cmdlets it does not know by name are still run when all their mandatory parameters are AWS/Kubernetes
    connection parameters (-ClusterName is filled in), so new Get-AutoModeNode*-style cmdlets are covered.
#>
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $ContextPath,
    [Parameter(Mandatory)] [string] $WorkDir
)

$ErrorActionPreference = 'Continue'
Import-Module $ModulePath -Force
$ctx = Get-Content -Raw -LiteralPath $ContextPath | ConvertFrom-Json
$sb = $ctx.sandbox
$admin = $sb.identities | Where-Object accessKeyId -eq 'AKIASANDBOXADMIN0001'
$session = $sb.identities | Where-Object accessKeyId -eq 'ASIASANDBOXSESSION01'
$expired = $sb.identities | Where-Object accessKeyId -eq 'ASIASANDBOXEXPIRED01'
$cluster = $sb.clusters[0].name
$endpoint = $sb.awsEndpointUrl.TrimEnd('/')
$endpointWithPassword = $endpoint -replace '^(https?://)', ('$1' + 'scanuser:' + $ctx.urlPassword + '@')
$unreachableWithPassword = 'http://scanuser:' + $ctx.urlPassword + '@127.0.0.1:9'

foreach ($name in 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE', 'AWS_REGION', 'AWS_DEFAULT_REGION', 'AWS_ENDPOINT_URL', 'AWS_CA_BUNDLE') {
    [Environment]::SetEnvironmentVariable($name, $null)
}
$env:AWS_EC2_METADATA_DISABLED = 'true'
$env:AWS_SHARED_CREDENTIALS_FILE = Join-Path $WorkDir 'credentials'
$env:AWS_CONFIG_FILE = Join-Path $WorkDir 'config'
$env:EKSAUTOMODE_PRICE_CACHE = Join-Path $WorkDir 'price-cache.json'
Set-Content -LiteralPath $env:AWS_CONFIG_FILE -Value ''
Set-Content -LiteralPath $env:AWS_SHARED_CREDENTIALS_FILE -Value @"
[scan]
aws_access_key_id = $($session.accessKeyId)
aws_secret_access_key = $($session.secretAccessKey)
aws_session_token = $($session.sessionToken)
"@
$kubeconfig = Join-Path $WorkDir 'kubeconfig'
Set-Content -LiteralPath $kubeconfig -Value @"
apiVersion: v1
kind: Config
clusters:
- name: c
  cluster: {server: '$($sb.kubernetesUrl)'}
users:
- name: u
  user: {token: '$($sb.staticToken)'}
contexts:
- name: scan
  context: {cluster: c, user: u}
current-context: scan
"@

# A cache written by an older version with a password in its source: what the module reads back must not show it.
Set-Content -LiteralPath $env:EKSAUTOMODE_PRICE_CACHE -Value (@{
        schemaVersion = 1; updatedAt = '2026-11-01T00:00:00Z'
        regions       = @{ 'eu-west-1' = @{ asOf = '2026-11-01T00:00:00Z'; currency = 'USD'; source = "GetProducts via $endpointWithPassword"
                ec2 = @{ 'm5.large' = 0.107 }; fee = @{ 'm5.large' = 0.01284 } } }
    } | ConvertTo-Json -Depth 5)

# Manifests carrying secret-shaped values (a URL password, an EKS token) into messages, findings and converted files.
$manifestDir = Join-Path $WorkDir 'manifests'
New-Item -ItemType Directory -Force $manifestDir | Out-Null
$manifest = Join-Path $manifestDir 'nodeclass.yaml'
Set-Content -LiteralPath $manifest -Value @"
apiVersion: eks.amazonaws.com/v1
kind: NodeClass
metadata:
  name: scan
  annotations:
    proxy: https://scanuser:$($ctx.urlPassword)@proxy.example.com:3128
    token: $($ctx.eksToken)
spec:
  role: https://scanuser:$($ctx.urlPassword)@role.example.com/
  subnetSelectorTerms:
  - tags: {Name: "https://scanuser:$($ctx.urlPassword)@subnet"}
  securityGroupSelectorTerms:
  - tags: {token: "$($ctx.eksToken)"}
  tags:
    proxy: https://scanuser:$($ctx.urlPassword)@proxy.example.com:3128
---
apiVersion: karpenter.sh/v1
kind: NodePool
metadata:
  name: scan
spec:
  template:
    spec:
      nodeClassRef: {group: eks.amazonaws.com, kind: NodeClass, name: "https://scanuser:$($ctx.urlPassword)@x"}
      requirements:
      - {key: "karpenter.sh/capacity-type", operator: In, values: ["$($ctx.eksToken)"]}
"@
$ossManifest = Join-Path $manifestDir 'ec2nodeclass.yaml'
Set-Content -LiteralPath $ossManifest -Value @"
apiVersion: karpenter.k8s.aws/v1
kind: EC2NodeClass
metadata:
  name: scan
spec:
  role: KarpenterNodeRole
  amiSelectorTerms: [{alias: al2023@latest}]
  subnetSelectorTerms: [{tags: {Name: "https://scanuser:$($ctx.urlPassword)@subnet"}}]
  securityGroupSelectorTerms: [{tags: {token: "$($ctx.eksToken)"}}]
  userData: |
    curl https://scanuser:$($ctx.urlPassword)@repo.example.com/setup.sh | sh
"@
$outDir = Join-Path $WorkDir 'converted'

# ------------------------------------------------------------------ credential sources for live cmdlets
$awsToolsLike = [pscustomobject]@{ Kind = 'AWSCredentials' }
$awsToolsLike | Add-Member -MemberType ScriptMethod -Name GetCredentials -Value ([scriptblock]::Create(
        "[pscustomobject]@{ AccessKey = '$($session.accessKeyId)'; SecretKey = '$($session.secretAccessKey)'; Token = '$($session.sessionToken)' }"))
$liveCases = [ordered]@{
    'parameters (session)'            = @{ Args = @{ AccessKey = $session.accessKeyId; SecretKey = $session.secretAccessKey; SessionToken = $session.sessionToken; EndpointUrl = $endpoint }; Works = $true }
    '-Credential PSCustomObject'      = @{ Args = @{ Credential = [pscustomobject]@{ AccessKey = $session.accessKeyId; SecretKey = $session.secretAccessKey; SessionToken = $session.sessionToken }; EndpointUrl = $endpoint }; Works = $true }
    '-Credential PSCredential'        = @{ Args = @{ Credential = [pscredential]::new($admin.accessKeyId, (ConvertTo-SecureString $admin.secretAccessKey -AsPlainText -Force)); EndpointUrl = $endpoint }; Works = $true }
    '-Credential AWS.Tools-like'      = @{ Args = @{ Credential = $awsToolsLike; EndpointUrl = $endpoint }; Works = $true }
    'Set-AWSCredential shell'         = @{ Args = @{ EndpointUrl = $endpoint }; Shell = $true; Works = $true }
    'environment variables'           = @{ Args = @{ EndpointUrl = $endpoint }; Env = $true; Works = $true }
    'profile file'                    = @{ Args = @{ ProfileName = 'scan'; ProfileLocation = $env:AWS_SHARED_CREDENTIALS_FILE; EndpointUrl = $endpoint }; Works = $true }
    '-EndpointUrl user:password@'     = @{ Args = @{ AccessKey = $admin.accessKeyId; SecretKey = $admin.secretAccessKey; EndpointUrl = $endpointWithPassword }; Works = $true }
    'wrong secret'                    = @{ Args = @{ AccessKey = $admin.accessKeyId; SecretKey = $ctx.wrongSecret; EndpointUrl = $endpointWithPassword } }
    'expired session'                 = @{ Args = @{ AccessKey = $expired.accessKeyId; SecretKey = $expired.secretAccessKey; SessionToken = $expired.sessionToken; EndpointUrl = $endpoint } }
    'faults 500/truncate -TimeoutSec' = @{ Args = @{ AccessKey = $session.accessKeyId; SecretKey = $session.secretAccessKey; SessionToken = $session.sessionToken; EndpointUrl = $endpointWithPassword; TimeoutSec = 4 }; Faults = 'eks:*=500;pricing:*=truncate;sts:*=500;k8s:*=500' }
    'faults wrongshape'               = @{ Args = @{ AccessKey = $session.accessKeyId; SecretKey = $session.secretAccessKey; SessionToken = $session.sessionToken; EndpointUrl = $endpointWithPassword }; Faults = 'eks:*=wrongshape;pricing:*=wrongshape;k8s:*=truncate' }
    'unreachable endpoint'            = @{ Args = @{ AccessKey = $session.accessKeyId; SecretKey = $session.secretAccessKey; SessionToken = $session.sessionToken; EndpointUrl = $unreachableWithPassword; TimeoutSec = 3 } }
}

# ------------------------------------------------------------------ representative arguments per cmdlet
# Live cmdlets: a scriptblock given the credential splat. Offline cmdlets: a list of named argument sets.
$live = @{
    'Get-AutoModeCluster'       = { param($a) Get-AutoModeCluster @a -Region $sb.region; Get-AutoModeCluster @a -Region $sb.region -Name $cluster, 'missing-cluster' }
    'Update-AutoModePriceCache' = { param($a) Update-AutoModePriceCache @a -Region us-east-1 -InstanceType m5.large; Update-AutoModePriceCache @a -Region ap-northeast-1 -WhatIf }
    # -WhatIf: the scan must not replace the sandbox's nodes; it still reads pools, NodeClaims and nodes.
    'Invoke-AutoModeNodeRotation' = { param($a) if (-not $a.ContainsKey('KubeConfigPath')) { $a = $a.Clone(); $a.ClusterName = $cluster }
        Invoke-AutoModeNodeRotation @a -Region $sb.region -NodePool general-purpose -OlderThan ([timespan]::Zero) -WhatIf
        Invoke-AutoModeNodeRotation @a -Region $sb.region -NodePool "https://scanuser:$($ctx.urlPassword)@x" -ExpiringWithin ([timespan]::FromDays(30)) -WhatIf }
    # The cluster read by the report plus validation findings of secret-shaped manifests, as HTML and JSON files and -WhatIf.
    'Export-AutoModeReport' = { param($a) if (-not $a.ContainsKey('KubeConfigPath')) { $a = $a.Clone(); $a.ClusterName = $cluster }
        New-Item -ItemType Directory -Force -Path $outDir | Out-Null
        Test-AutoModeManifest -Path $manifest, $ossManifest | Export-AutoModeReport @a -Region $sb.region -Path (Join-Path $outDir 'report.html') -Force -PassThru
        Test-AutoModeManifest -Path $manifest, $ossManifest | Export-AutoModeReport @a -Region $sb.region -Path (Join-Path $outDir 'report.json') -Format Json -Force
        Export-AutoModeReport @a -Region $sb.region -Path (Join-Path $outDir 'report-whatif.html') -WhatIf }
}
$offline = @{
    'Get-AutoModeDifference'   = @{ 'all' = { Get-AutoModeDifference }; 'bad topic' = { Get-AutoModeDifference -Topic "https://scanuser:$($ctx.urlPassword)@x" } }
    'Test-AutoModeManifest'    = @{ 'secret-shaped values' = { Test-AutoModeManifest -Path $manifest }; 'quiet' = { Test-AutoModeManifest -Path $manifest -Quiet } }
    'Test-NodeClassSpec'       = @{ 'secret-shaped values' = { Test-NodeClassSpec -Path $manifest } }
    'Test-NodePoolSpec'        = @{ 'secret-shaped values' = { Test-NodePoolSpec -Path $manifest } }
    'ConvertTo-OssKarpenter'   = @{ 'to files' = { ConvertTo-OssKarpenter -Path $manifest -OutputDirectory (Join-Path $outDir 'oss') }; 'whatif' = { ConvertTo-OssKarpenter -Path $manifest -OutputDirectory (Join-Path $outDir 'oss-whatif') -WhatIf }; 'yaml' = { ConvertTo-OssKarpenter -Path $manifest -AsYaml } }
    'ConvertFrom-OssKarpenter' = @{ 'to files' = { ConvertFrom-OssKarpenter -Path $ossManifest -OutputDirectory (Join-Path $outDir 'auto') }; 'yaml' = { ConvertFrom-OssKarpenter -Path $ossManifest -AsYaml } }
    'Measure-AutoModeCost'     = @{ 'priced' = { Measure-AutoModeCost -InstanceType m5.large -Region eu-west-1 -Count 2 }; 'unknown type' = { Measure-AutoModeCost -InstanceType "https://scanuser:$($ctx.urlPassword)@x" -Region us-east-1 } }
    'Export-AutoModeFinding'   = @{
        'sarif'         = { Test-AutoModeManifest -Path $manifest | Export-AutoModeFinding -Format Sarif }
        'junit to file' = { Test-AutoModeManifest -Path $manifest | Export-AutoModeFinding -Format JUnit -Path (Join-Path $outDir 'findings.xml') -Force }
        'github'        = { Test-AutoModeManifest -Path $ossManifest, $manifest | Export-AutoModeFinding -Format GitHubActions }
    }
    'Get-AutoModePrice'        = @{ 'cached' = { Get-AutoModePrice -InstanceType m5.large -Region eu-west-1, us-east-1 }; 'unknown' = { Get-AutoModePrice -InstanceType "$($ctx.eksToken)" -Region us-east-1 } }
}

function Format-Record($r) {
    $lines = [System.Collections.Generic.List[string]]::new()
    if ($r -is [System.Management.Automation.ErrorRecord]) {
        $lines.Add(($r | Out-String -Width 400))
        $lines.Add($r.Exception.ToString())
        $lines.Add("FQID: $($r.FullyQualifiedErrorId)")
        $lines.Add("TARGET: $($r.TargetObject | Out-String -Width 400)")
        $lines.Add("CATEGORY: $($r.CategoryInfo)")
        $lines.Add("DETAILS: $($r.ErrorDetails.Message) | ACTION: $($r.ErrorDetails.RecommendedAction)")
        if ($r.Exception -is [System.Management.Automation.IContainsErrorRecord] -or $r.Exception.PSObject.Properties['RecommendedAction']) {
            $lines.Add("EXCEPTION ACTION: $($r.Exception.RecommendedAction)")
        }
    }
    elseif ($r -is [System.Management.Automation.InformationalRecord] -or $r -is [System.Management.Automation.InformationRecord]) {
        $lines.Add(($r | Format-List * -Force | Out-String -Width 400))
    }
    else {
        $lines.Add(($r | Out-String -Width 400))
        $lines.Add(($r | Format-List * -Force | Out-String -Width 400))
        $lines.Add(($r | ConvertTo-Json -Depth 4 -Compress -WarningAction Ignore))
    }
    if ($r.PSObject.Properties['InvocationInfo'] -and $r.InvocationInfo) {
        foreach ($p in $r.InvocationInfo.BoundParameters.GetEnumerator()) { $lines.Add("BOUND $($p.Key) = $($p.Value | Out-String -Width 400)") }
    }
    $lines -join [Environment]::NewLine
}

function Invoke-Case([string] $Cmdlet, [string] $Case, [scriptblock] $Run, [object[]] $Arguments = @()) {
    "### $Cmdlet | $Case"
    $VerbosePreference = 'Continue'; $DebugPreference = 'Continue'; $InformationPreference = 'Continue'; $WarningPreference = 'Continue'
    $records = @(& { try { & $Run @Arguments } catch { $_ } } *>&1)
    $VerbosePreference = 'SilentlyContinue'; $DebugPreference = 'SilentlyContinue'; $InformationPreference = 'SilentlyContinue'
    $counts = [ordered]@{ output = 0; error = 0; warning = 0; verbose = 0; debug = 0; information = 0 }
    foreach ($r in $records) {
        $kind = if ($r -is [System.Management.Automation.ErrorRecord]) { 'error' }
        elseif ($r -is [System.Management.Automation.WarningRecord]) { 'warning' }
        elseif ($r -is [System.Management.Automation.VerboseRecord]) { 'verbose' }
        elseif ($r -is [System.Management.Automation.DebugRecord]) { 'debug' }
        elseif ($r -is [System.Management.Automation.InformationRecord]) { 'information' }
        else { 'output' }
        $counts[$kind]++
        "[$kind]"
        Format-Record $r
    }
    "@@ $Cmdlet|$Case|" + (($counts.GetEnumerator() | ForEach-Object { "$($_.Key)=$($_.Value)" }) -join '|')
}

function Set-Fault([string] $Spec) {
    $null = Invoke-RestMethod -Method Put -Uri "$($sb.adminUrl)/faults" -Body $Spec -NoProxy
}

$connection = 'Region', 'AccessKey', 'SecretKey', 'SessionToken', 'ProfileName', 'ProfileLocation', 'Credential', 'EndpointUrl', 'TimeoutSec', 'KubeConfigPath', 'Context', 'ClusterName'
$commands = @(Get-Command -Module EksAutoMode -CommandType Cmdlet | Sort-Object Name)
foreach ($command in $commands) {
    $name = $command.Name
    $isLive = $command.Parameters.ContainsKey('EndpointUrl')
    if ($offline.ContainsKey($name)) {
        foreach ($case in $offline[$name].GetEnumerator() | Sort-Object Key) { Invoke-Case $name $case.Key $case.Value }
        continue
    }

    $run = $live[$name]
    if (-not $run -and $isLive) {
        # A live cmdlet this script does not know: run it with connection parameters only, if that is enough.
        $mandatory = @($command.ParameterSets | Where-Object IsDefault | ForEach-Object Parameters | Where-Object { $_.IsMandatory -and $_.Name -notin $connection })
        if ($mandatory.Count -eq 0) {
            $hasCluster = $command.Parameters.ContainsKey('ClusterName')
            $run = { param($a) if ($hasCluster -and -not $a.ContainsKey('KubeConfigPath')) { $a = $a.Clone(); $a.ClusterName = $cluster }; & $name @a -Region $sb.region }.GetNewClosure()
        }
    }
    if (-not $run) { "@@ MISSING $name"; continue }

    $cases = [ordered]@{} + $liveCases
    if ($command.Parameters.ContainsKey('KubeConfigPath')) {
        $cases['-KubeConfigPath static token'] = @{ Args = @{ KubeConfigPath = $kubeconfig; AccessKey = $admin.accessKeyId; SecretKey = $admin.secretAccessKey; EndpointUrl = $endpoint }; Works = $true }
    }
    foreach ($case in $cases.GetEnumerator()) {
        $spec = $case.Value
        Set-Fault ($spec.Faults ?? '')
        if ($spec.Env) { $env:AWS_ACCESS_KEY_ID = $session.accessKeyId; $env:AWS_SECRET_ACCESS_KEY = $session.secretAccessKey; $env:AWS_SESSION_TOKEN = $session.sessionToken }
        if ($spec.Shell) {
            $global:StoredAWSCredentials = 'scan'
            $script:shellCredential = [pscustomobject]@{ AccessKey = $admin.accessKeyId; SecretKey = $admin.secretAccessKey; Token = $null }
            function global:Get-AWSCredential { $script:shellCredential }
        }
        try { Invoke-Case $name $case.Key $run @($spec.Args.Clone()) }
        finally {
            $env:AWS_ACCESS_KEY_ID = $null; $env:AWS_SECRET_ACCESS_KEY = $null; $env:AWS_SESSION_TOKEN = $null
            Remove-Variable -Name StoredAWSCredentials -Scope Global -ErrorAction SilentlyContinue
            Remove-Item function:global:Get-AWSCredential -ErrorAction SilentlyContinue
        }
    }
    Set-Fault ''
}

'### $Error'
foreach ($e in $Error) { Format-Record $e }
'@@ END'
