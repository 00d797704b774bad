import CRMCommands

restoreStopSignals()
CRMCommand.main()
