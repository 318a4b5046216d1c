#Requires -Version 7.4
<#
.SYNOPSIS
    Compiles docs/<Verb-Noun>.md into MAML (EksAutoMode.Cmdlets.dll-Help.xml) and docs/about_*.md into
    about_*.help.txt topics for the built module.

.DESCRIPTION
    The markdown supplies the text (synopsis, description, examples, parameter descriptions, inputs, outputs,
    notes, links; format in DEVELOPING.md). Syntax, parameter types, positions, aliases and pipeline binding
    are read from the compiled cmdlets (Get-Command on the built module), so they can never drift from the
    code. Runs in its own pwsh process so the freshly built assembly is not locked by the build session.
    Missing docs or undocumented parameters are reported as warnings here; the convention tests fail on them.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $DocsPath
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0

$ns = @{
    maml    = 'http://schemas.microsoft.com/maml/2004/10'
    command = 'http://schemas.microsoft.com/maml/dev/command/2004/10'
    dev     = 'http://schemas.microsoft.com/maml/dev/2004/10'
}
# -WhatIf and -Confirm are listed in SYNTAX and PARAMETERS like Microsoft's own help (they are what a reader of a
# state-changing cmdlet looks for); the other common parameters are summed up as <CommonParameters> by Get-Help.
$CommonParameters = [System.Management.Automation.PSCmdlet]::CommonParameters + @('UseTransaction')
$ShouldProcessText = @{
    WhatIf  = @('Shows what would happen if the cmdlet runs. The cmdlet is not run.')
    Confirm = @('Prompts you for confirmation before running the cmdlet.')
}

function Split-MarkdownSections {
    # Returns an ordered dictionary: section title (## level) -> list of lines.
    param([string[]] $Lines, [string] $Prefix)
    $sections = [ordered]@{}
    $current = $null
    $inFence = $false
    foreach ($line in $Lines) {
        if ($line -match '^```') { $inFence = -not $inFence }
        if (-not $inFence -and $line.StartsWith($Prefix + ' ')) {
            $current = $line.Substring($Prefix.Length + 1).Trim()
            $sections[$current] = [System.Collections.Generic.List[string]]::new()
            continue
        }
        if ($null -ne $current) { $sections[$current].Add($line) }
    }
    return $sections
}

function ConvertTo-Paragraphs {
    # Blank-line separated paragraphs; list items stay one paragraph each; code fences kept verbatim.
    param([string[]] $Lines)
    $paras = [System.Collections.Generic.List[string]]::new()
    $buffer = [System.Collections.Generic.List[string]]::new()
    $inFence = $false
    foreach ($line in $Lines) {
        if ($line -match '^```') {
            if ($inFence) { $paras.Add(($buffer -join "`n")); $buffer.Clear(); $inFence = $false }
            else { if ($buffer.Count) { $paras.Add(($buffer -join ' ')); $buffer.Clear() }; $inFence = $true }
            continue
        }
        if ($inFence) { $buffer.Add('    ' + $line); continue }
        if ([string]::IsNullOrWhiteSpace($line)) {
            if ($buffer.Count) { $paras.Add(($buffer -join ' ')); $buffer.Clear() }
            continue
        }
        if ($line -match '^\s*[-*] ' -and $buffer.Count) { $paras.Add(($buffer -join ' ')); $buffer.Clear() }
        $buffer.Add($line.Trim())
    }
    if ($buffer.Count) { $paras.Add(($buffer -join ' ')) }
    return , $paras
}

function Remove-Markdown([string] $Text) {
    $t = $Text -replace '\[([^\]]+)\]\(([^)]+)\)', '$1 ($2)'
    $t = $t -replace '`([^`]+)`', '$1'
    $t = $t -replace '\*\*([^*]+)\*\*', '$1'
    return $t
}

$script:doc = [System.Xml.XmlDocument]::new()
function New-El([string] $Prefix, [string] $Name, [string] $Text) {
    $el = $script:doc.CreateElement($Prefix, $Name, $ns[$Prefix])
    if ($PSBoundParameters.ContainsKey('Text')) { $el.InnerText = $Text }
    return $el
}
function Add-Paras([System.Xml.XmlElement] $Parent, $Paras) {
    foreach ($p in $Paras) { [void]$Parent.AppendChild((New-El maml para (Remove-Markdown $p))) }
    if (-not $Paras -or $Paras.Count -eq 0) { [void]$Parent.AppendChild((New-El maml para '')) }
}

function Get-TypeDisplayName([type] $Type) {
    if ($Type.IsArray) { return (Get-TypeDisplayName $Type.GetElementType()) + '[]' }
    if ($Type.IsGenericType -and $Type.GetGenericTypeDefinition() -eq [Nullable`1]) { return Get-TypeDisplayName $Type.GetGenericArguments()[0] }
    return $Type.Name
}

function Get-DefaultValueText($Parameter, $Defaults) {
    # The value the property has when the parameter is not given (read from a fresh cmdlet instance), shown only
    # when it says something: never "None", False for a switch, an empty string/array or a 0 that means "unset".
    $value = $Defaults[$Parameter.Name]
    if ($null -eq $value -or $value -is [System.Management.Automation.SwitchParameter] -or $value -is [bool]) { return $null }
    if ($value -is [string] -and $value.Length -eq 0) { return $null }
    if ($value -is [array]) { if ($value.Count -eq 0) { return $null }; return ($value -join ', ') }
    if ($value -is [ValueType] -and -not ($value -is [enum] -or $value -is [TimeSpan]) -and $value -eq 0) { return $null }
    return [string]$value
}

function New-ParameterElement($Parameter, $SetInfo, [string[]] $Description, $Defaults = @{}) {
    $attr = $SetInfo
    $p = New-El command parameter
    $p.SetAttribute('required', $attr.IsMandatory.ToString().ToLowerInvariant())
    $p.SetAttribute('variableLength', $Parameter.ParameterType.IsArray.ToString().ToLowerInvariant())
    $globbing = [bool]($Parameter.Attributes | Where-Object { $_ -is [System.Management.Automation.SupportsWildcardsAttribute] })
    $p.SetAttribute('globbing', $globbing.ToString().ToLowerInvariant())
    $pipe = @()
    if ($attr.ValueFromPipeline) { $pipe += 'ByValue' }
    if ($attr.ValueFromPipelineByPropertyName) { $pipe += 'ByPropertyName' }
    $p.SetAttribute('pipelineInput', $(if ($pipe) { "True ($($pipe -join ', '))" } else { 'False' }))
    $p.SetAttribute('position', $(if ($attr.Position -ge 0) { [string]$attr.Position } else { 'named' }))
    $p.SetAttribute('aliases', $(if ($Parameter.Aliases.Count) { $Parameter.Aliases -join ', ' } else { 'none' }))
    [void]$p.AppendChild((New-El maml name $Parameter.Name))
    $d = New-El maml description
    Add-Paras $d $Description
    [void]$p.AppendChild($d)
    $typeName = Get-TypeDisplayName $Parameter.ParameterType
    if ($Parameter.ParameterType -ne [System.Management.Automation.SwitchParameter]) {
        $v = New-El command parameterValue $typeName
        $v.SetAttribute('required', 'true'); $v.SetAttribute('variableLength', $Parameter.ParameterType.IsArray.ToString().ToLowerInvariant())
        [void]$p.AppendChild($v)
    }
    $t = New-El dev type
    [void]$t.AppendChild((New-El maml name $typeName))
    [void]$p.AppendChild($t)
    $default = Get-DefaultValueText $Parameter $Defaults
    if ($null -ne $default) { [void]$p.AppendChild((New-El dev defaultValue $default)) }
    return $p
}

function Add-TypedList([System.Xml.XmlElement] $Parent, [string] $ListName, [string] $ItemName, $Section) {
    $list = New-El command $ListName
    if ($Section) {
        $items = Split-MarkdownSections $Section '###'
        foreach ($typeName in $items.Keys) {
            $item = New-El command $ItemName
            $t = New-El dev type
            [void]$t.AppendChild((New-El maml name $typeName))
            [void]$item.AppendChild($t)
            $d = New-El maml description
            Add-Paras $d (ConvertTo-Paragraphs $items[$typeName])
            [void]$item.AppendChild($d)
            [void]$list.AppendChild($item)
        }
    }
    [void]$Parent.AppendChild($list)
}

$module = Import-Module (Join-Path $ModulePath 'EksAutoMode.psd1') -PassThru -Force
$commands = @(Get-Command -Module $module.Name -CommandType Cmdlet | Sort-Object Name)
$root = $script:doc.CreateElement('helpItems', 'http://msh')
$root.SetAttribute('schema', 'maml')
[void]$script:doc.AppendChild($root)
$warnings = 0

foreach ($cmd in $commands) {
    $mdPath = Join-Path $DocsPath "$($cmd.Name).md"
    if (-not (Test-Path $mdPath)) { Write-Warning "No help markdown for $($cmd.Name) ($mdPath)."; $warnings++; continue }
    $sections = Split-MarkdownSections (Get-Content $mdPath) '##'
    $c = New-El command command
    $details = New-El command details
    [void]$details.AppendChild((New-El command name $cmd.Name))
    [void]$details.AppendChild((New-El command verb $cmd.Verb))
    [void]$details.AppendChild((New-El command noun $cmd.Noun))
    $syn = New-El maml description
    Add-Paras $syn (ConvertTo-Paragraphs $(if ($sections.Contains('SYNOPSIS')) { $sections['SYNOPSIS'] } else { @() }))
    [void]$details.AppendChild($syn)
    [void]$c.AppendChild($details)
    $desc = New-El maml description
    Add-Paras $desc (ConvertTo-Paragraphs $(if ($sections.Contains('DESCRIPTION')) { $sections['DESCRIPTION'] } else { @() }))
    [void]$c.AppendChild($desc)

    $paramDocs = if ($sections.Contains('PARAMETERS')) { Split-MarkdownSections $sections['PARAMETERS'] '###' } else { [ordered]@{} }
    $described = @{}
    foreach ($k in $paramDocs.Keys) { $described[$k.TrimStart('-')] = ConvertTo-Paragraphs $paramDocs[$k] }
    foreach ($k in $ShouldProcessText.Keys) { if ($cmd.Parameters.ContainsKey($k) -and -not $described.ContainsKey($k)) { $described[$k] = $ShouldProcessText[$k] } }
    $defaults = @{}
    try {
        $instance = [Activator]::CreateInstance($cmd.ImplementingType)
        foreach ($prop in $cmd.ImplementingType.GetProperties()) { if ($cmd.Parameters.ContainsKey($prop.Name)) { $defaults[$prop.Name] = $prop.GetValue($instance) } }
    }
    catch { Write-Warning "$($cmd.Name): default values not read ($($_.Exception.Message))." }

    $syntax = New-El command syntax
    foreach ($set in $cmd.ParameterSets) {
        $item = New-El command syntaxItem
        [void]$item.AppendChild((New-El maml name $cmd.Name))
        foreach ($sp in $set.Parameters | Where-Object { $_.Name -notin $CommonParameters }) {
            $param = $cmd.Parameters[$sp.Name]
            [void]$item.AppendChild((New-ParameterElement $param $sp $described[$sp.Name] $defaults))
        }
        [void]$syntax.AppendChild($item)
    }
    [void]$c.AppendChild($syntax)

    $params = New-El command parameters
    foreach ($name in ($cmd.Parameters.Keys | Where-Object { $_ -notin $CommonParameters } | Sort-Object)) {
        $param = $cmd.Parameters[$name]
        if (-not $described.ContainsKey($name)) { Write-Warning "$($cmd.Name): parameter -$name is not described in $mdPath."; $warnings++ }
        $setInfo = ($cmd.ParameterSets.Parameters | Where-Object Name -eq $name | Select-Object -First 1)
        [void]$params.AppendChild((New-ParameterElement $param $setInfo $described[$name] $defaults))
    }
    foreach ($k in $described.Keys) { if (-not $cmd.Parameters.ContainsKey($k)) { Write-Warning "$($cmd.Name): $mdPath describes -$k, which the cmdlet does not have."; $warnings++ } }
    [void]$c.AppendChild($params)

    Add-TypedList $c 'inputTypes' 'inputType' $(if ($sections.Contains('INPUTS')) { $sections['INPUTS'] })
    Add-TypedList $c 'returnValues' 'returnValue' $(if ($sections.Contains('OUTPUTS')) { $sections['OUTPUTS'] })

    if ($sections.Contains('NOTES')) {
        $alertSet = New-El maml alertSet
        $alert = New-El maml alert
        Add-Paras $alert (ConvertTo-Paragraphs $sections['NOTES'])
        [void]$alertSet.AppendChild($alert)
        [void]$c.AppendChild($alertSet)
    }

    $examples = New-El command examples
    if ($sections.Contains('EXAMPLES')) {
        $exs = Split-MarkdownSections $sections['EXAMPLES'] '###'
        foreach ($title in $exs.Keys) {
            $lines = $exs[$title]
            $code = [System.Collections.Generic.List[string]]::new(); $remarks = [System.Collections.Generic.List[string]]::new()
            $state = 'before'
            foreach ($l in $lines) {
                if ($l -match '^```') { $state = switch ($state) { 'before' { 'code' } 'code' { 'after' } default { $state } }; continue }
                if ($state -eq 'code') { $code.Add($l) } elseif ($state -eq 'after') { $remarks.Add($l) }
            }
            $ex = New-El command example
            [void]$ex.AppendChild((New-El maml title "-------------------------- $title --------------------------"))
            [void]$ex.AppendChild((New-El dev code ($code -join "`n")))
            $r = New-El dev remarks
            Add-Paras $r (ConvertTo-Paragraphs $remarks)
            [void]$ex.AppendChild($r)
            [void]$examples.AppendChild($ex)
        }
    }
    [void]$c.AppendChild($examples)

    $links = New-El command relatedLinks
    if ($sections.Contains('RELATED LINKS')) {
        foreach ($l in $sections['RELATED LINKS'] | Where-Object { $_ -match '^\s*[-*]\s+(.+)$' }) {
            $text = ($l -replace '^\s*[-*]\s+', '').Trim()
            $uri = ''
            if ($text -match '^\[([^\]]+)\]\(([^)]+)\)$') { $text = $Matches[1]; $uri = $Matches[2] }
            elseif ($text -match '^https?://') { $uri = $text; $text = '' }   # Get-Help prints "linkText uri": a bare URL once
            $nav = New-El maml navigationLink
            [void]$nav.AppendChild((New-El maml linkText $text))
            [void]$nav.AppendChild((New-El maml uri $uri))
            [void]$links.AppendChild($nav)
        }
    }
    [void]$c.AppendChild($links)
    [void]$root.AppendChild($c)
}

$settings = [System.Xml.XmlWriterSettings]@{ Indent = $true; Encoding = [System.Text.UTF8Encoding]::new($false) }
$target = Join-Path $ModulePath 'EksAutoMode.Cmdlets.dll-Help.xml'
$writer = [System.Xml.XmlWriter]::Create($target, $settings)
try { $script:doc.Save($writer) } finally { $writer.Dispose() }

# about_ topics: docs/about_*.md -> en-US/about_*.help.txt (plain text, headings upper-case, body indented).
$culture = New-Item -ItemType Directory -Force (Join-Path $ModulePath 'en-US')
Copy-Item $target $culture
foreach ($about in Get-ChildItem $DocsPath -Filter 'about_*.md') {
    $out = [System.Text.StringBuilder]::new()
    $inFence = $false
    foreach ($line in Get-Content $about.FullName) {
        if ($line -match '^```') { $inFence = -not $inFence; continue }
        if ($inFence) { [void]$out.AppendLine('        ' + $line); continue }
        if ($line -match '^# (.+)$') { [void]$out.AppendLine('TOPIC'); [void]$out.AppendLine('    ' + $Matches[1].Trim()); continue }
        if ($line -match '^#{2,} (.+)$') { [void]$out.AppendLine(); [void]$out.AppendLine($Matches[1].Trim().ToUpperInvariant()); continue }
        [void]$out.AppendLine($(if ($line.Trim()) { '    ' + (Remove-Markdown $line) } else { '' }))
    }
    $name = [IO.Path]::GetFileNameWithoutExtension($about.Name) + '.help.txt'
    [IO.File]::WriteAllText((Join-Path $culture $name), $out.ToString(), [System.Text.UTF8Encoding]::new($false))
}

Write-Host "Help: $($commands.Count) cmdlet(s) compiled to $target$(if ($warnings) { " with $warnings warning(s)" })."
