import CRMCommands

CRMCommand.main()
