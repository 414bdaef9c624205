#!/usr/bin/env python3
"""Writes Resources/Text.resx and Text.es.resx from the table below (one place for every user-facing string).
Run after editing: python3 scripts/dev/texts.py"""
import os
from xml.sax.saxutils import escape

T = {
 "AppName": ("Cedar Valley Learning", "Aprendizaje Cedar Valley"),
 "Menu": ("Menu", "Menú"),
 "MainNavigation": ("Main navigation", "Navegación principal"),
 "ChangeLanguage": ("Language", "Idioma"),
 "SignIn": ("Sign in", "Iniciar sesión"),
 "SignInTitle": ("Sign in", "Iniciar sesión"),
 "SignInIntro": ("Use the account your school district gave you.", "Use la cuenta que le dio su distrito escolar."),
 "SignOut": ("Sign out", "Cerrar sesión"),
 "Email": ("Email", "Correo electrónico"),
 "Password": ("Password", "Contraseña"),
 "EmailRequired": ("Enter your email address.", "Escriba su correo electrónico."),
 "PasswordRequired": ("Enter your password.", "Escriba su contraseña."),
 "InvalidLogin": ("That email and password don't match an account. Check them and try again; after 5 wrong tries the account is locked for 15 minutes.",
                  "El correo y la contraseña no coinciden con ninguna cuenta. Revíselos e inténtelo de nuevo; después de 5 intentos fallidos la cuenta se bloquea por 15 minutos."),
 "NoAccountHelp": ("No account or forgot your password? Ask your school office: accounts are created by the district.",
                   "¿No tiene cuenta u olvidó su contraseña? Pregunte en la oficina de su escuela: el distrito crea las cuentas."),
 "DemoLogins": ("Demo accounts (synthetic data)", "Cuentas de demostración (datos ficticios)"),
 "DemoPassword": ("Every demo account uses the password", "Todas las cuentas de demostración usan la contraseña"),
 "LockedOutTitle": ("Account locked", "Cuenta bloqueada"),
 "LockedOutBody": ("Too many wrong passwords. For your safety the account is locked for 15 minutes. Try again later or ask your school office.",
                   "Demasiadas contraseñas incorrectas. Por su seguridad la cuenta está bloqueada por 15 minutos. Inténtelo más tarde o pregunte en la oficina de su escuela."),
 "BackToSignIn": ("Back to sign in", "Volver a iniciar sesión"),
 "AccessDeniedTitle": ("No access", "Sin acceso"),
 "AccessDeniedBody": ("Your account can't open this page.", "Su cuenta no puede abrir esta página."),
 "BackHome": ("Back to my home page", "Volver a mi página principal"),
 "NotFoundTitle": ("Not found", "No encontrado"),
 "NotFoundBody": ("We couldn't find that page or record. It may not exist, or it isn't shared with you.",
                  "No encontramos esa página o ese registro. Puede que no exista o que no se haya compartido con usted."),
 "ErrorTitle": ("Something went wrong", "Algo salió mal"),
 "ErrorBody": ("Sorry, we couldn't finish that. Nothing you saved was lost. Please try again.",
               "Lo sentimos, no pudimos terminar. No se perdió nada de lo que guardó. Inténtelo de nuevo."),
 "ErrorReference": ("Reference", "Referencia"),
 "Loading": ("Loading…", "Cargando…"),
 "Home.Student": ("My learning", "Mi aprendizaje"),
 "Home.Teacher": ("My sections", "Mis clases"),
 "Home.Advisor": ("My advisory", "Mi grupo de asesoría"),
 "Home.Guardian": ("My children", "Mis hijos"),
 "Home.Principal": ("My school", "Mi escuela"),
 "Home.DistrictAdmin": ("District", "Distrito"),
 "Role.Student": ("Student", "Estudiante"),
 "Role.Teacher": ("Teacher", "Maestro/a"),
 "Role.Advisor": ("Advisor", "Asesor/a"),
 "Role.Guardian": ("Parent or guardian", "Padre, madre o tutor"),
 "Role.Principal": ("Principal", "Director/a"),
 "Role.DistrictAdmin": ("District administrator", "Administrador/a del distrito"),
 "Greeting": ("Hi, {0}", "Hola, {0}"),
 "GradeN": ("Grade {0}", "Grado {0}"),
 "Grade": ("Grade", "Grado"),
 "MyPlan": ("My learning plan", "Mi plan de aprendizaje"),
 "MyMastery": ("My mastery", "Mi dominio"),
 "MyAdvisor": ("My advisor", "Mi asesor/a"),
 "GoalCount": ("{0} goals this year", "{0} metas este año"),
 "SeeMyProgress": ("See my progress", "Ver mi progreso"),
 "NoAdvisorYet": ("Not assigned yet", "Aún sin asignar"),
 "LastCheckIn": ("Last check-in", "Último registro"),
 "Never": ("None yet", "Ninguno todavía"),
 "StudentNotLinked": ("Your account isn't linked to a student record yet. Ask your school office.",
                      "Su cuenta aún no está vinculada a un registro de estudiante. Pregunte en la oficina de su escuela."),
 "MasteredOf": ("{0} of {1} standards mastered", "{0} de {1} estándares dominados"),
 "MySections": ("My sections", "Mis clases"),
 "NoSections": ("You have no sections this year. When the district assigns you classes they appear here.",
                "No tiene clases este año. Cuando el distrito le asigne clases, aparecerán aquí."),
 "Section": ("Section", "Clase"),
 "Sections": ("Sections", "Clases"),
 "Course": ("Course", "Curso"),
 "Students": ("Students", "Estudiantes"),
 "Student": ("Student", "Estudiante"),
 "EvidenceThisWeek": ("Evidence this week", "Evidencias esta semana"),
 "MyAdvisory": ("My advisory", "Mi grupo de asesoría"),
 "StudentCount": ("{0} students", "{0} estudiantes"),
 "NoAdvisees": ("No students are in your advisory yet.", "Todavía no hay estudiantes en su grupo de asesoría."),
 "Plan": ("Plan", "Plan"),
 "Mood": ("Mood", "Ánimo"),
 "Mood.1": ("Very low", "Muy bajo"),
 "Mood.2": ("Low", "Bajo"),
 "Mood.3": ("Okay", "Regular"),
 "Mood.4": ("Good", "Bien"),
 "Mood.5": ("Great", "Excelente"),
 "MyChildren": ("My children", "Mis hijos"),
 "NoChildren": ("No children are linked to your account. If this is wrong, contact your school office.",
                "No hay hijos vinculados a su cuenta. Si es un error, comuníquese con la oficina de la escuela."),
 "Advisor": ("Advisor", "Asesor/a"),
 "PlanStatus.None": ("No plan yet", "Sin plan todavía"),
 "PlanStatus.Draft": ("Draft", "Borrador"),
 "PlanStatus.Submitted": ("Waiting for review", "En revisión"),
 "PlanStatus.ChangesRequested": ("Changes requested", "Cambios solicitados"),
 "PlanStatus.Active": ("Active", "Activo"),
 "PlanStatus.Completed": ("Completed", "Completado"),
 "GoalStatus.NotStarted": ("Not started", "Sin empezar"),
 "GoalStatus.InProgress": ("In progress", "En progreso"),
 "GoalStatus.Achieved": ("Achieved", "Logrado"),
 "GoalStatus.Dropped": ("Set aside", "Pausado"),
 "NoSchoolAssigned": ("Your account isn't assigned to a school yet. Ask the district office.",
                      "Su cuenta aún no está asignada a una escuela. Pregunte en la oficina del distrito."),
 "Teachers": ("Teachers", "Maestros"),
 "Advisories": ("Advisories", "Grupos de asesoría"),
 "StudentsWithoutAdvisory": ("Students without an advisor", "Estudiantes sin asesor/a"),
 "StudentsByGrade": ("Students by grade", "Estudiantes por grado"),
 "PlansByStatus": ("Learning plans by status", "Planes de aprendizaje por estado"),
 "Schools": ("Schools", "Escuelas"),
 "School": ("School", "Escuela"),
 "Staff": ("Staff", "Personal"),
 "PeopleByRole": ("People by role", "Personas por rol"),
 "Frameworks": ("Competency frameworks", "Marcos de competencias"),
 "Standards": ("Standards", "Estándares"),
 "StudentRecord": ("Student record", "Registro del estudiante"),
 "NoGoalsYet": ("No goals yet.", "Todavía no hay metas."),
 "TargetDate": ("Target date", "Fecha meta"),
 "Mastery": ("Mastery", "Dominio"),
 "RecentEvidence": ("Recent evidence", "Evidencias recientes"),
 "NoEvidenceYet": ("No evidence recorded yet.", "Todavía no hay evidencias."),
 "Date": ("Date", "Fecha"),
 "Standard": ("Standard", "Estándar"),
 "Level": ("Level", "Nivel"),
}

HEAD = '''<?xml version="1.0" encoding="utf-8"?>
<root>
  <resheader name="resmimetype"><value>text/microsoft-resx</value></resheader>
  <resheader name="version"><value>2.0</value></resheader>
  <resheader name="reader"><value>System.Resources.ResXResourceReader, System.Windows.Forms, Version=4.0.0.0, Culture=neutral, PublicKeyToken=b77a5c561934e089</value></resheader>
  <resheader name="writer"><value>System.Resources.ResXResourceWriter, System.Windows.Forms, Version=4.0.0.0, Culture=neutral, PublicKeyToken=b77a5c561934e089</value></resheader>
'''

def write(path, index):
    with open(path, "w", encoding="utf-8") as f:
        f.write(HEAD)
        for key in sorted(T):
            f.write(f'  <data name="{escape(key)}" xml:space="preserve"><value>{escape(T[key][index])}</value></data>\n')
        f.write("</root>\n")

here = os.path.join(os.path.dirname(__file__), "..", "..", "src", "PersonalizedLearning.Web", "Resources")
write(os.path.join(here, "Text.resx"), 0)
write(os.path.join(here, "Text.es.resx"), 1)
print(f"{len(T)} texts written")
