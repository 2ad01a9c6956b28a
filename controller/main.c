/*
 * drillhall: the controller's entry point. Everything it does lives in
 * dh_controller_core; this file only hands argv to the command table.
 */
#include "cli/cli.h"

int
main(int argc, char **argv)
{
	return dh_cli_main(argc, argv);
}
