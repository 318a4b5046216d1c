# Helpers shared by the Pester tests. Import with: Import-Module "$PSScriptRoot/Common.psm1" -Force

$script:ModulePath = $env:EKSAUTOMODE_MODULE_PATH

function Get-TestModulePath {
    if (-not $script:ModulePath -or -not (Test-Path $script:ModulePath)) {
        throw "EKSAUTOMODE_MODULE_PATH is not set to the built module (run ./build.ps1 -Task Test)."
    }
    return $script:ModulePath
}

function Invoke-FreshPwsh {
    <#
    .SYNOPSIS
        Runs a script in a brand-new pwsh process (same PowerShell as the tests) and returns its output lines,
        exit code and error text. Used where a test needs a clean default load context.
    #>
    param(
        [Parameter(Mandatory)] [string] $Script,
        [int] $TimeoutSeconds = 120
    )
    $file = Join-Path ([IO.Path]::GetTempPath()) ("eam-" + [guid]::NewGuid().ToString('n') + '.ps1')
    Set-Content -Path $file -Value $Script -Encoding utf8NoBOM
    try {
        $psi = [System.Diagnostics.ProcessStartInfo]::new('dotnet')
        foreach ($a in @((Join-Path $PSHOME 'pwsh.dll'), '-NoProfile', '-NonInteractive', '-File', $file)) { $psi.ArgumentList.Add($a) }
        $psi.RedirectStandardOutput = $true
        $psi.RedirectStandardError = $true
        $psi.UseShellExecute = $false
        $p = [System.Diagnostics.Process]::Start($psi)
        $stdout = $p.StandardOutput.ReadToEndAsync()
        $stderr = $p.StandardError.ReadToEndAsync()
        if (-not $p.WaitForExit($TimeoutSeconds * 1000)) { $p.Kill($true); throw "Fresh pwsh did not finish within $TimeoutSeconds s." }
        $p.WaitForExit()
        return [pscustomobject]@{
            ExitCode = $p.ExitCode
            Output   = @($stdout.Result -split "`r?`n" | Where-Object { $_ -ne '' })
            Error    = $stderr.Result
        }
    }
    finally { Remove-Item $file -ErrorAction SilentlyContinue }
}


function Clear-TestEnvironment {
    <#
    .SYNOPSIS
        Clears environment variables that a developer's shell may carry (AWS credentials, profile, region, endpoints,
        kubeconfig, price cache) so that a live test sees only what it sets; returns the saved values for
        Restore-TestEnvironment.
    #>
    param([Parameter(Mandatory)] [string[]] $Name)
    $saved = @{}
    foreach ($n in $Name) {
        $saved[$n] = [Environment]::GetEnvironmentVariable($n)
        [Environment]::SetEnvironmentVariable($n, $null)
    }
    $saved
}

function Restore-TestEnvironment {
    <# .SYNOPSIS Puts back the variables Clear-TestEnvironment saved. #>
    param([Parameter(Mandatory)] [hashtable] $Saved)
    foreach ($n in $Saved.Keys) { [Environment]::SetEnvironmentVariable($n, $Saved[$n]) }
}

Export-ModuleMember -Function Get-TestModulePath, Invoke-FreshPwsh, Clear-TestEnvironment, Restore-TestEnvironment
