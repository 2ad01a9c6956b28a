# Install rules and the two Debian packages (SPEC "Installing"), included
# from CMakeLists.txt. Components: `controller` -> package drillhall,
# `agent` -> package drillhall-agent.
#
#   cmake --install build --prefix /usr/local      a source install
#   (cd build && cpack -G DEB)                       drillhall_*.deb, drillhall-agent_*.deb
#
# The binaries hold no install path (their defaults are /etc/drillhall and
# /var/lib/drillhall, the places the packages use), so one build serves a
# source install and the packages alike; cpack installs that build with
# the prefix /usr. Where a file goes is decided when it is installed:
# with the prefix /usr, configuration goes to /etc and units to
# /lib/systemd/system (Debian 12's unit directory); with any other prefix,
# below that prefix.
include(GNUInstallDirs)

find_program(DH_SCDOC scdoc)
# preconv (groff) turns the pages' UTF-8 (försumbar, nämnd) into groff
# escapes, so they render without warnings in any groff, -k or not
find_program(DH_PRECONV preconv)
find_program(DH_GZIP gzip REQUIRED)

# ---- man pages: packaging/man/NAME.SECTION.scd -> build/man/NAME.SECTION(.gz)
set(DH_MAN_PAGES drillhall.1 drillhall-agent.8 drillhall-plan.5)
set(DH_MAN_OUT)
if(DH_SCDOC AND DH_PRECONV)
	foreach(page ${DH_MAN_PAGES})
		set(src ${CMAKE_BINARY_DIR}/man/${page}.scd)
		set(out ${CMAKE_BINARY_DIR}/man/${page})
		set(VERSION ${PROJECT_VERSION})
		configure_file(${CMAKE_SOURCE_DIR}/packaging/man/${page}.scd ${src} @ONLY)
		add_custom_command(OUTPUT ${out} ${out}.gz
			COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_BINARY_DIR}/man
			COMMAND sh -c "'${DH_SCDOC}' <'${src}' | '${DH_PRECONV}' -e utf-8 >'${out}.tmp' && mv '${out}.tmp' '${out}'"
			COMMAND ${DH_GZIP} -9nfk ${out}
			DEPENDS ${src}
			COMMENT "scdoc ${page}"
			VERBATIM)
		list(APPEND DH_MAN_OUT ${out} ${out}.gz)
	endforeach()
	add_custom_target(man ALL DEPENDS ${DH_MAN_OUT})
else()
	message(WARNING "scdoc or preconv not found (scripts/deps.sh installs them): no man pages")
endif()

# ---- Debian changelog (one per package, gzip -9n as Debian policy asks)
foreach(pkg drillhall drillhall-agent)
	set(PKG ${pkg})
	set(VERSION ${PROJECT_VERSION})
	configure_file(${CMAKE_SOURCE_DIR}/packaging/debian/changelog.in
		${CMAKE_BINARY_DIR}/packaging/${pkg}/changelog @ONLY)
	add_custom_command(OUTPUT ${CMAKE_BINARY_DIR}/packaging/${pkg}/changelog.Debian.gz
		COMMAND ${DH_GZIP} -9nfk ${CMAKE_BINARY_DIR}/packaging/${pkg}/changelog
		COMMAND ${CMAKE_COMMAND} -E rename ${CMAKE_BINARY_DIR}/packaging/${pkg}/changelog.gz
			${CMAKE_BINARY_DIR}/packaging/${pkg}/changelog.Debian.gz
		DEPENDS ${CMAKE_BINARY_DIR}/packaging/${pkg}/changelog
		VERBATIM)
	list(APPEND DH_CHANGELOGS ${CMAKE_BINARY_DIR}/packaging/${pkg}/changelog.Debian.gz)
endforeach()
add_custom_target(debian_changelogs ALL DEPENDS ${DH_CHANGELOGS})

# ---- maintainer scripts: postinst gets the shared user/directory helpers
file(READ ${CMAKE_SOURCE_DIR}/packaging/debian/user.sh.in DH_USER_SH)
string(STRIP "${DH_USER_SH}" DH_USER_SH)
foreach(pkg drillhall drillhall-agent)
	configure_file(${CMAKE_SOURCE_DIR}/packaging/debian/${pkg}/postinst.in
		${CMAKE_BINARY_DIR}/packaging/${pkg}/postinst @ONLY
		FILE_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE
		WORLD_READ WORLD_EXECUTE)
	foreach(script prerm postrm)
		configure_file(${CMAKE_SOURCE_DIR}/packaging/debian/${pkg}/${script}
			${CMAKE_BINARY_DIR}/packaging/${pkg}/${script} COPYONLY
			FILE_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ
			GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
	endforeach()
endforeach()

# conffiles: every file the package puts under /etc (dpkg keeps the
# administrator's edits on upgrade and asks when both changed)
file(GLOB DH_EXAMPLE_SYSTEMS ${CMAKE_SOURCE_DIR}/plans/systems/*.ini)
file(WRITE ${CMAKE_BINARY_DIR}/packaging/drillhall/conffiles
	"/etc/drillhall/controller.ini\n/etc/drillhall/plans/policy.ini\n"
	"/etc/drillhall/plans/inventory.ini\n")
file(WRITE ${CMAKE_BINARY_DIR}/packaging/drillhall-agent/conffiles
	"/etc/drillhall/agent.ini\n")

# ---- where things go, decided at install time (see the top). Files for
# /etc and the unit directory are installed by code, since a DESTINATION
# is fixed when cmake runs; DESTDIR is honoured as install() honours it.
foreach(comp controller agent)
	install(CODE "
		if(CMAKE_INSTALL_PREFIX STREQUAL \"/usr\")
			set(DH_ETC /etc)
			set(DH_UNITDIR /lib/systemd/system)
		else()
			set(DH_ETC \"\${CMAKE_INSTALL_PREFIX}/etc\")
			set(DH_UNITDIR \"\${CMAKE_INSTALL_PREFIX}/lib/systemd/system\")
		endif()" COMPONENT ${comp})
endforeach()

# dh_install_at(COMPONENT DIR FILE...): DIR may name \${DH_ETC} or \${DH_UNITDIR}.
function(dh_install_at comp dir)
	set(files)
	foreach(f ${ARGN})
		list(APPEND files "\"${CMAKE_SOURCE_DIR}/${f}\"")
	endforeach()
	list(JOIN files " " files)
	install(CODE "file(INSTALL DESTINATION \"${dir}\" TYPE FILE FILES ${files})"
		COMPONENT ${comp})
endfunction()

set(DH_DOC ${CMAKE_INSTALL_DATADIR}/doc)

# controller: drillhall
install(TARGETS drillhall RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT controller)
dh_install_at(controller \${DH_ETC}/drillhall packaging/etc/controller.ini)
dh_install_at(controller \${DH_ETC}/drillhall/plans plans/policy.ini plans/inventory.ini)
install(CODE "file(MAKE_DIRECTORY \"\$ENV{DESTDIR}\${DH_ETC}/drillhall/plans/systems\")"
	COMPONENT controller)
dh_install_at(controller \${DH_UNITDIR} packaging/systemd/drillhall.service)
install(FILES plans/policy.ini plans/inventory.ini
	DESTINATION ${DH_DOC}/drillhall/examples/plans COMPONENT controller)
install(FILES ${DH_EXAMPLE_SYSTEMS}
	DESTINATION ${DH_DOC}/drillhall/examples/plans/systems COMPONENT controller)
install(FILES docs/writing-a-plan.md docs/transport.md
	DESTINATION ${DH_DOC}/drillhall COMPONENT controller)

# agent: drillhall-agent
install(TARGETS drillhall-agent RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT agent)
dh_install_at(agent \${DH_ETC}/drillhall packaging/etc/agent.ini)
dh_install_at(agent \${DH_UNITDIR} packaging/systemd/drillhall-agent-flush.service
	packaging/systemd/drillhall-agent-flush.timer)

# man pages and Debian docs, per package
if(DH_SCDOC AND DH_PRECONV)
	install(FILES ${CMAKE_BINARY_DIR}/man/drillhall.1.gz
		DESTINATION ${CMAKE_INSTALL_MANDIR}/man1 COMPONENT controller)
	install(FILES ${CMAKE_BINARY_DIR}/man/drillhall-plan.5.gz
		DESTINATION ${CMAKE_INSTALL_MANDIR}/man5 COMPONENT controller)
	install(FILES ${CMAKE_BINARY_DIR}/man/drillhall-agent.8.gz
		DESTINATION ${CMAKE_INSTALL_MANDIR}/man8 COMPONENT agent)
endif()
foreach(pair drillhall:controller drillhall-agent:agent)
	string(REPLACE ":" ";" pair ${pair})
	list(GET pair 0 pkg)
	list(GET pair 1 comp)
	install(FILES packaging/debian/copyright
		${CMAKE_BINARY_DIR}/packaging/${pkg}/changelog.Debian.gz
		DESTINATION ${DH_DOC}/${pkg} COMPONENT ${comp})
endforeach()

# ---- CPack: two .deb packages
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME drillhall)
set(CPACK_PACKAGE_VENDOR "drillhall")
set(CPACK_PACKAGE_CONTACT "drillhall maintainers <drillhall@example.se>")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_INSTALL_PREFIX /usr)
set(CPACK_SET_DESTDIR ON) # DESTDIR=staging, prefix /usr: /etc lands in /etc
set(CPACK_STRIP_FILES ON)
set(CPACK_COMPONENTS_ALL controller agent)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
set(CPACK_DEBIAN_PACKAGE_SECTION admin)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS OFF)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "https://drillhall.example.se")
set(CPACK_DEBIAN_CONTROLLER_PACKAGE_NAME drillhall)
set(CPACK_DEBIAN_AGENT_PACKAGE_NAME drillhall-agent)
# adduser: postinst makes the user; openssh-client: the controller's key
set(CPACK_DEBIAN_CONTROLLER_PACKAGE_DEPENDS "adduser")
set(CPACK_DEBIAN_CONTROLLER_PACKAGE_RECOMMENDS "openssh-client")
set(CPACK_DEBIAN_AGENT_PACKAGE_DEPENDS "adduser")
set(CPACK_DEBIAN_AGENT_PACKAGE_RECOMMENDS "openssh-server, restic")
set(CPACK_COMPONENT_CONTROLLER_DESCRIPTION
	"proves that a municipality can recover its systems: controller
drillhall holds the municipality-wide continuity plan (policy, inventory,
one plan file per information system), checks it, prints it in recovery
order, dispatches restore tests and failover drills to agents over SSH,
receives their results over HTTPS and keeps them in an audited,
hash-chained history in SQLite. This package holds the drillhall command,
drillhall.service (drillhall serve) and the man pages drillhall(1) and
drillhall-plan(5).")
set(CPACK_COMPONENT_AGENT_DESCRIPTION
	"proves that a municipality can recover its systems: agent
drillhall-agent runs on each server in both data halls. Called by the
drillhall controller through an SSH forced command, it restores the newest
backup (restic, tar or a local action) into an isolated scratch area,
verifies it against a manifest, runs failover drill actions, and reports
the results over HTTPS. This package holds drillhall-agent,
drillhall-agent-flush.timer (spooled events every 5 minutes) and the man
page drillhall-agent(8).")
set(CPACK_DEBIAN_CONTROLLER_PACKAGE_CONTROL_EXTRA
	${CMAKE_BINARY_DIR}/packaging/drillhall/conffiles
	${CMAKE_BINARY_DIR}/packaging/drillhall/postinst
	${CMAKE_BINARY_DIR}/packaging/drillhall/prerm
	${CMAKE_BINARY_DIR}/packaging/drillhall/postrm)
set(CPACK_DEBIAN_AGENT_PACKAGE_CONTROL_EXTRA
	${CMAKE_BINARY_DIR}/packaging/drillhall-agent/conffiles
	${CMAKE_BINARY_DIR}/packaging/drillhall-agent/postinst
	${CMAKE_BINARY_DIR}/packaging/drillhall-agent/prerm
	${CMAKE_BINARY_DIR}/packaging/drillhall-agent/postrm)
include(CPack)
