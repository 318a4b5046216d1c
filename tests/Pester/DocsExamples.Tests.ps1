# Docs that are true: every example code block of every cmdlet help file (docs/<Verb-Noun>.md) runs as written,
# in a fresh pwsh, in a folder with the files the examples name, with the environment pointing at the sandbox
# (AWS_ENDPOINT_URL, credentials, AWS_REGION, KUBECONFIG) whose scenario TestData/Docs/docs.scenario.yaml has the
# clusters the examples name (prod, dev-eks, prod-eks in eu-west-1). An example passes when it ends with exit
# code 0 and wrote no error. Examples that cannot run here are in TestData/Docs/example-skips.psd1 with reasons.

BeforeDiscovery {
    $root = $env:EKSAUTOMODE_REPO_ROOT
    $rules = Import-PowerShellDataFile (Join-Path $PSScriptRoot 'TestData/Docs/example-skips.psd1')
    $script:exampleCases = foreach ($doc in Get-ChildItem (Join-Path $root 'docs') -Filter '*-*.md' | Sort-Object BaseName) {
        $inExamples = $false; $number = 0; $code = $null; $title = $null
        foreach ($line in Get-Content $doc.FullName) {
            if ($line -match '^## ') { $inExamples = $line -eq '## EXAMPLES'; continue }
            if (-not $inExamples) { continue }
            if ($line -match '^### (.+)$') { $title = $Matches[1]; $number++; continue }
            if ($null -eq $code -and $line -match '^```powershell') { $code = [System.Collections.Generic.List[string]]::new(); continue }
            if ($null -ne $code -and $line -match '^```') {
                $key = "$($doc.BaseName) #$number"
                @{ Key = $key; Title = $title; Code = ($code -join "`n"); Skip = $rules.Skip[$key]; ExpectError = $rules.ExpectError[$key]; Setup = $rules.Setup[$key] }
                $code = $null; continue
            }
            if ($null -ne $code) { $code.Add($line) }
        }
    }
}

BeforeAll {
    Import-Module "$PSScriptRoot/Common.psm1" -Force
    Import-Module (Join-Path $PSScriptRoot 'Sandbox.psm1') -Force
    $root = $env:EKSAUTOMODE_REPO_ROOT
    # TLS: kubectl sends the kubeconfig's token only over https.
    $script:sb = Start-EksSandbox -Scenario (Join-Path $PSScriptRoot 'TestData/Docs/docs.scenario.yaml') -Tls

    # The folder the examples run in: repo/app (a git work tree, for 'git rev-parse'), with ../deploy beside it.
    $script:work = Join-Path $TestDrive 'repo/app'
    New-Item -ItemType Directory -Force $work, (Join-Path $TestDrive 'repo/deploy'), "$work/.aws", "$work/.kube", "$work/tmp" | Out-Null
    Copy-Item -Recurse (Join-Path $root 'examples') "$work/examples"
    foreach ($dir in 'k8s', 'classes', 'pools', 'manifests', 'automode') { New-Item -ItemType Directory -Force "$work/$dir" | Out-Null }
    $automode = Join-Path $root 'examples/automode'
    Copy-Item "$automode/builtin-nodepools.yaml", "$automode/custom-nodeclass.yaml", "$automode/custom-nodepool.yaml" "$work/k8s"
    Copy-Item "$work/k8s/builtin-nodepools.yaml" "$work/k8s/pools.yaml"
    Copy-Item "$work/k8s/*" (Join-Path $TestDrive 'repo/deploy')
    Copy-Item "$automode/custom-nodeclass.yaml" "$work/classes"
    Copy-Item "$automode/custom-nodeclass.yaml" "$work/nodeclass.yaml"
    Copy-Item "$automode/custom-nodepool.yaml", "$automode/gpu-nodepool.yaml" "$work/pools"
    Copy-Item "$automode/custom-nodeclass.yaml", "$automode/custom-nodepool.yaml" "$work/manifests"
    Copy-Item "$automode/custom-nodeclass.yaml", "$automode/custom-nodepool.yaml" "$work/automode"
    Copy-Item -Recurse (Join-Path $root 'examples/karpenter') "$work/karpenter"
    Copy-Item (Join-Path $root 'examples/karpenter/nodepool-default.yaml') "$work/nodepool.yaml"
    Set-Content "$work/nodegroups.csv" "InstanceType,Count,NodePool`nm5.large,3,web`nc6g.large,2,batch"
    Set-Content "$work/fleet.csv" "InstanceType,Count,Region,CapacityType`nm5.large,3,us-east-1,OnDemand`nc6g.large,2,us-east-1,Spot"
    $null = & git -C (Join-Path $TestDrive 'repo') init -q 2>&1
    # Profiles the examples name (ops, billing), both the sandbox identity.
    Set-Content "$work/.aws/credentials" "[ops]`naws_access_key_id = $($sb.accessKeyId)`naws_secret_access_key = $($sb.secretAccessKey)`n[billing]`naws_access_key_id = $($sb.accessKeyId)`naws_secret_access_key = $($sb.secretAccessKey)"
    Set-Content "$work/.aws/config" "[profile ops]`nregion = eu-west-1`n[profile billing]`nregion = us-east-1"
    New-EksSandboxKubeconfig -Sandbox $sb -Path "$work/.kube/config" -ClusterName prod
    New-EksSandboxKubeconfig -Sandbox $sb -Path "$work/prod.kubeconfig" -ClusterName prod
    New-EksSandboxKubeconfig -Sandbox $sb -Path "$work/kubeconfig" -ClusterName dev-eks

    # The environment of every example's pwsh (inherited from this process): the sandbox as AWS and Kubernetes.
    $environment = [ordered]@{
        HOME = $work; AWS_ENDPOINT_URL = $sb.awsEndpointUrl; AWS_CA_BUNDLE = $sb.caPemPath; AWS_ACCESS_KEY_ID = $sb.accessKeyId
        AWS_SECRET_ACCESS_KEY = $sb.secretAccessKey; AWS_SESSION_TOKEN = $null; AWS_PROFILE = $null; AWS_DEFAULT_REGION = $null
        AWS_REGION = $sb.region; AWS_EC2_METADATA_DISABLED = 'true'; AWS_SHARED_CREDENTIALS_FILE = "$work/.aws/credentials"
        AWS_CONFIG_FILE = "$work/.aws/config"; KUBECONFIG = "$work/.kube/config"; EKSAUTOMODE_PRICE_CACHE = "$work/tmp/cache.json"
    }
    $script:savedEnv = @{}
    foreach ($k in $environment.Keys) { $script:savedEnv[$k] = [Environment]::GetEnvironmentVariable($k); [Environment]::SetEnvironmentVariable($k, $environment[$k]) }
}

AfterAll {
    if ($script:sb) { Stop-EksSandbox -Sandbox $script:sb }
    foreach ($k in $script:savedEnv.Keys) { [Environment]::SetEnvironmentVariable($k, $script:savedEnv[$k]) }
}

Describe 'Help example <Key>: <Title>' -ForEach $exampleCases {
    It 'runs as written' -Skip:([bool]$Skip) {
        # The one substitution: the sandbox's port is chosen when it starts (examples show 5080).
        $code = $Code.Replace('http://127.0.0.1:5080', $sb.awsEndpointUrl.TrimEnd('/'))
        $script = @"
Import-Module '$(Get-TestModulePath)'
Set-Location '$work'
`$secret = `$env:AWS_SECRET_ACCESS_KEY
$Setup
`$Error.Clear()
$code
`$ids = @(`$Error | ForEach-Object { `$_.FullyQualifiedErrorId })
if (`$ids.Count) { foreach (`$e in `$Error) { [Console]::Error.WriteLine("ERROR: `$(`$e.FullyQualifiedErrorId): `$e") }; [Console]::Out.WriteLine('ERRORIDS:' + (`$ids -join ';')); exit 3 }
exit 0
"@
        $result = Invoke-FreshPwsh $script -TimeoutSeconds 180
        if ($ExpectError) {
            $ids = @(($result.Output | Where-Object { $_ -like 'ERRORIDS:*' }) -replace '^ERRORIDS:' -split ';' | Where-Object { $_ })
            $ids | Should -Not -BeNullOrEmpty -Because "the example documents an error:`n$code"
            $ids | ForEach-Object { $_ | Should -BeLike "$ExpectError*" }
            return
        }
        $result.Error | Should -BeNullOrEmpty -Because "the example must not write errors:`n$code"
        $result.ExitCode | Should -Be 0 -Because "the example must succeed:`n$code`n$($result.Output -join "`n")"
    }
}
