# No secret in any stream of any cmdlet: SecretScan.ps1 runs EVERY exported cmdlet (discovered with Get-Command, so
# a new cmdlet is covered or fails here until it gets arguments) in a fresh pwsh against the sandbox, through every
# credential source (parameters, -Credential as PSCustomObject / PSCredential / AWS.Tools-like object, shell
# credentials, environment, profile file, -KubeConfigPath token, -EndpointUrl with user:password@) and with failures
# provoked (wrong secret, expired session, 500/truncated/wrong-shape responses, unreachable endpoint, -TimeoutSec).
# Scanned: the six streams (output, error, warning, verbose, debug, information), ErrorRecord details (exception
# text, target, recommended action, bound parameters), -WhatIf host text, $Error, and every file the module wrote.

BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot 'Sandbox.psm1') -Force
    $script:sandboxMissing = $false
    try { $null = Get-EksSandboxPath } catch { $script:sandboxMissing = $true }
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'Common.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'Sandbox.psm1') -Force
    $script:work = Join-Path $TestDrive 'scan'
    New-Item -ItemType Directory -Force $script:work | Out-Null
    if (-not $sandboxMissing) {
        $script:sb = Start-EksSandbox -Scenario automode -Seed 11
        $rand = [guid]::NewGuid().ToString('n')
        $script:context = [pscustomobject]@{
            sandbox     = $script:sb | Select-Object * -ExcludeProperty Process, StandardErrorTask
            urlPassword = "UrlPa55word-$($rand.Substring(0, 12))"
            wrongSecret = "Wr0ng/Secret+Key-$($rand.Substring(12, 16))"
            eksToken    = 'k8s-aws-v1.' + [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes("https://sts.amazonaws.com/?X-Amz-Signature=$rand")).TrimEnd('=').Replace('+', '-').Replace('/', '_')
        }
        $contextPath = Join-Path $TestDrive 'context.json'
        $script:context | ConvertTo-Json -Depth 6 | Set-Content -LiteralPath $contextPath
        $scanScript = Join-Path $PSScriptRoot 'SecretScan.ps1'
        $run = Invoke-FreshPwsh -TimeoutSeconds 1200 -Script "& '$scanScript' -ModulePath '$(Get-TestModulePath)' -ContextPath '$contextPath' -WorkDir '$script:work'"
        $script:text = ($run.Output -join "`n") + "`n" + $run.Error
        Set-Content -LiteralPath (Join-Path $TestDrive 'scan-output.txt') -Value $script:text
        if ($env:EKSAUTOMODE_SCAN_OUTPUT) { Set-Content -LiteralPath $env:EKSAUTOMODE_SCAN_OUTPUT -Value $script:text }
        $script:runs = @($run.Output | Where-Object { $_ -match '^@@ (?!MISSING |END$)' } | ForEach-Object {
                $parts = $_.Substring(3) -split '\|'
                $counts = @{}
                foreach ($p in $parts[2..($parts.Count - 1)]) { $k, $v = $p -split '='; $counts[$k] = [int]$v }
                [pscustomobject]@{ Cmdlet = $parts[0]; Case = $parts[1]; Counts = $counts }
            })
        $script:files = @(Get-ChildItem -LiteralPath $script:work -Recurse -File -Force)
        $script:secrets = @(
            foreach ($i in $script:sb.identities) { $i.secretAccessKey; if ($i.sessionToken) { $i.sessionToken } }
            $script:sb.staticToken
            $script:context.urlPassword
            $script:context.wrongSecret
            $script:context.eksToken.Substring('k8s-aws-v1.'.Length)
        ) | Where-Object { $_ }
        # Shapes that are secret whatever their value: module-made EKS tokens, signatures of presigned URLs.
        $script:shapes = @('k8s-aws-v1\.(?!\(redacted\))[A-Za-z0-9_-]{8}', 'X-Amz-Signature=(?!\(redacted\))[0-9a-f]', 'Signature=[0-9a-f]{64}', 'X-Amz-Security-Token=(?!\(redacted\))\w')
    }
}

AfterAll {
    if ($script:sb) { Stop-EksSandbox -Sandbox $script:sb }
}

Describe 'Secrets never appear in any stream of any cmdlet' -Skip:$sandboxMissing {
    It 'ran every exported cmdlet (a new cmdlet needs representative arguments in SecretScan.ps1)' {
        Import-Module (Get-TestModulePath) -Force
        $exported = @(Get-Command -Module EksAutoMode -CommandType Cmdlet).Name
        $missing = @($run.Output | Where-Object { $_ -like '@@ MISSING *' } | ForEach-Object { $_.Substring(11) })
        $missing | Should -BeNullOrEmpty -Because 'every exported cmdlet must be scanned'
        foreach ($name in $exported) { $runs.Cmdlet | Should -Contain $name }
        $text | Should -Match '@@ END' -Because 'the scan ran to the end'
    }

    It 'exercised every credential source with a working call and every provoked failure' {
        $cluster = @($runs | Where-Object Cmdlet -eq 'Get-AutoModeCluster')
        foreach ($case in 'parameters (session)', '-Credential PSCustomObject', '-Credential PSCredential', '-Credential AWS.Tools-like',
            'Set-AWSCredential shell', 'environment variables', 'profile file', '-EndpointUrl user:password@') {
            ($cluster | Where-Object Case -eq $case).Counts.output | Should -BeGreaterThan 0 -Because "'$case' must really authenticate"
        }
        foreach ($case in 'wrong secret', 'expired session', 'faults 500/truncate -TimeoutSec', 'faults wrongshape', 'unreachable endpoint') {
            ($cluster | Where-Object Case -eq $case).Counts.error | Should -BeGreaterThan 0 -Because "'$case' must fail"
        }
        ($runs | ForEach-Object { $_.Counts.verbose + $_.Counts.debug } | Measure-Object -Sum).Sum | Should -BeGreaterThan 50
        ($runs | ForEach-Object { $_.Counts.warning } | Measure-Object -Sum).Sum | Should -BeGreaterThan 0
        $text | Should -Match 'What if:' -Because '-WhatIf text is part of the scan'
        $text | Should -Match 'AwsResponseInvalid' -Because 'wrong-shape answers are reported as such'
        $files.Name | Should -Contain 'price-cache.json'
        @($files | Where-Object FullName -like '*converted*').Count | Should -BeGreaterThan 0
    }

    It 'shows no secret value in any stream, error detail, -WhatIf text or $Error' {
        foreach ($secret in $secrets) {
            $text.Contains($secret) | Should -BeFalse -Because "a secret ($($secret.Substring(0, 4))…) leaked; see scan-output.txt in TestDrive"
            $text.Contains([uri]::EscapeDataString($secret)) | Should -BeFalse
        }
        foreach ($shape in $shapes) { $text | Should -Not -Match $shape }
        $text | Should -Match '\(redacted\)' -Because 'secret-shaped input was seen and masked'
    }

    It 'writes no secret into any file (price cache source, converted manifests)' {
        foreach ($file in $files | Where-Object Name -notin 'credentials', 'kubeconfig', 'nodeclass.yaml', 'ec2nodeclass.yaml') {
            $content = [IO.File]::ReadAllText($file.FullName)
            foreach ($secret in $secrets) { $content.Contains($secret) | Should -BeFalse -Because "$($file.Name) must not contain a secret" }
            foreach ($shape in $shapes) { $content | Should -Not -Match $shape }
        }
    }
}
