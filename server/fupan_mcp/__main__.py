from fupan_mcp.cli import main

main()
