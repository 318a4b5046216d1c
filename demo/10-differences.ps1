# What changes with Auto Mode: the knowledge base, offline.
Write-Host '> Get-AutoModeDifference -Area Cost' -ForegroundColor Yellow
Get-AutoModeDifference -Area Cost | Format-Table -AutoSize -Wrap Impact, Topic, AutoMode | Out-Host

Write-Host '> Get-AutoModeDifference -Impact Unsupported | Select-Object Area, Topic' -ForegroundColor Yellow
Get-AutoModeDifference -Impact Unsupported | Select-Object Area, Topic | Format-Table -AutoSize | Out-Host

Write-Host "> Get-AutoModeDifference -Topic '*TargetGroup*' | Format-List   # current state plus history" -ForegroundColor Yellow
Get-AutoModeDifference -Topic '*TargetGroup*' | Format-List | Out-Host
